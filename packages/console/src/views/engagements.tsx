import { useState } from 'react';
import { engagement, type RequestView, type Row } from '../api/engagement.js';
import { hotline } from '../api/hotline.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { cell } from '../ui/board.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';
import { Countdown, Dtg } from '../ui/time.js';
import { RequestForm } from './request-form.js';

async function allRequests(
  api: ReturnType<typeof useApp>['api'],
): Promise<{ requests: RequestView[]; meetings: Row[] }> {
  const channels = (await hotline.channels(api)).filter((c) => c.state === 'active');
  const lists = await Promise.all(channels.map((c) => engagement.requests(api, c.id)));
  const meetings = await Promise.all(channels.map((c) => engagement.meetings(api, c.id)));
  return {
    requests: lists.flat().sort((a, b) => b.time.localeCompare(a.time)),
    meetings: meetings.flat().sort((a, b) => String(b.start).localeCompare(String(a.start))),
  };
}

const stateKey = (state: string) => (state === 'unanswered' ? 'state.unanswered' : `state.${state}`) as 'state.open';

export function Engagements() {
  const { api, t, party, can } = useApp();
  const version = useLiveVersion(['entry']);
  const [again, setAgain] = useState(0);
  const load = useLoad(() => allRequests(api), [version, again]);
  return (
    <section aria-labelledby="eng-title">
      <h2 id="eng-title">{t('eng.title')}</h2>
      {can('engagements.write') && <RequestForm onDone={() => setAgain((n) => n + 1)} />}
      <LoadView load={load} path="/api/v1/channels/…/engagements">
        {({ requests: all, meetings }) => (
          <>
            <RequestTable
              title={t('eng.incoming')}
              rows={all.filter((r) => r.requester !== party)}
              incoming
              onDone={() => setAgain((n) => n + 1)}
            />
            <RequestTable title={t('eng.outgoing')} rows={all.filter((r) => r.requester === party)} onDone={() => {}} />
            <h3>{t('eng.meetings')}</h3>
            {meetings.length === 0 ? (
              <p>{t('app.empty')}</p>
            ) : (
              <table data-testid="meetings">
                <thead>
                  <tr>
                    <th scope="col">{t('eng.slot')}</th>
                    <th scope="col">{t('eng.kind')}</th>
                    <th scope="col">{t('eng.minutes')}</th>
                    <th scope="col">{t('eng.state')}</th>
                    <th scope="col">{t('eng.timeline')}</th>
                  </tr>
                </thead>
                <tbody>
                  {meetings.map((m) => (
                    <tr key={String(m.id)}>
                      <td>
                        <Dtg time={String(m.start)} />
                      </td>
                      <td>
                        {cell(m.kind)} · {cell(m.medium)}
                      </td>
                      <td>{cell(m.durationMinutes)}</td>
                      <td>{cell(m.state)}</td>
                      <td>
                        {((m.steps ?? []) as Array<{ entry: string; type: string; author: string; time: string }>).map(
                          (step) => (
                            <div key={step.entry}>
                              <Dtg time={step.time} /> {step.author} · {step.type}
                            </div>
                          ),
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}

function RequestTable(props: { title: string; rows: RequestView[]; incoming?: boolean; onDone: () => void }) {
  const { api, t, can, party } = useApp();
  const [error, setError] = useState<string | null>(null);
  const [declineReason, setDeclineReason] = useState('');
  const answer = async (r: RequestView, type: 'request-accept' | 'request-decline') => {
    setError(null);
    try {
      const body = type === 'request-decline' ? { request: r.id, reason: declineReason } : { request: r.id, slot: 0 };
      await engagement.act(api, r.channel ?? '', type, body);
      props.onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <>
      <h3>{props.title}</h3>
      <ErrorLine error={error} />
      {props.incoming && props.rows.length > 0 && can('engagements.write') && (
        <label className="inline">
          {t('eng.reason')}{' '}
          <input
            value={declineReason}
            onChange={(e) => setDeclineReason(e.target.value)}
            data-testid="decline-reason"
          />
        </label>
      )}
      {props.rows.length === 0 ? (
        <p>{t('app.empty')}</p>
      ) : (
        <table data-testid={props.incoming ? 'requests-in' : 'requests-out'}>
          <thead>
            <tr>
              <th scope="col">{t('msg.dtg')}</th>
              <th scope="col">{t('eng.kind')}</th>
              <th scope="col">{t('msg.subject')}</th>
              <th scope="col">{t('eng.deadline')}</th>
              <th scope="col">{t('eng.left')}</th>
              <th scope="col">{t('eng.state')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => {
              const open = r.state === 'open' || r.state === 'countered';
              return (
                <tr key={r.id} data-testid="request" data-state={r.state}>
                  <td>
                    <Dtg time={r.time} />
                  </td>
                  <td>{r.kind}</td>
                  <td>
                    <details>
                      <summary>{r.subject}</summary>
                      <ol className="timeline" aria-label={t('eng.timeline')}>
                        {(r.steps ?? []).map((step) => (
                          <li key={step.entry} className={step.invalid ? 'invalid' : undefined}>
                            <Dtg time={step.time} /> {step.author} · {step.type}
                            {step.invalid && <strong className="late"> · {step.invalid}</strong>}
                          </li>
                        ))}
                      </ol>
                    </details>
                  </td>
                  <td>
                    <Dtg time={r.deadline} />
                  </td>
                  <td>
                    <Countdown due={r.deadline} done={!open} />
                  </td>
                  <td className={`state-${r.state}`}>
                    {t(stateKey(r.state))}
                    {r.unansweredAtDeadline && r.state !== 'unanswered' && ` · ${t('state.unanswered')}`}
                  </td>
                  <td>
                    {open && r.turn.includes(party) && can('engagements.write') && (
                      <>
                        <button type="button" onClick={() => answer(r, 'request-accept')}>
                          {t('eng.accept')}
                        </button>{' '}
                        <button type="button" data-testid="decline" onClick={() => answer(r, 'request-decline')}>
                          {t('eng.decline')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
