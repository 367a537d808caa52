import { lazy, Suspense, useState } from 'react';
import { engagement, type Row } from '../api/engagement.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { cell } from '../ui/board.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';
import { IncidentForm } from './forms.js';

const IncidentMap = lazy(() => import('./incident-map.js'));

export function Incidents() {
  const { api, t, party, can } = useApp();
  const version = useLiveVersion(['entry']);
  const [again, setAgain] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const load = useLoad(() => engagement.listAll(api, 'incidents'), [version, again]);
  const [contesting, setContesting] = useState<{ id: string; account: string } | null>(null);
  const respond = async (r: Row, response: 'acknowledge' | 'regret' | 'contest', account?: string) => {
    setError(null);
    try {
      await api.post(`/channels/${encodeURIComponent(String(r.channel))}/incidents`, {
        type: 'incident-response',
        body: { incident: r.id, response, ...(account !== undefined ? { account } : {}) },
      });
      if (response === 'contest') setContesting(null);
      setAgain((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section aria-labelledby="inc-title">
      <h2 id="inc-title">{t('inc.title')}</h2>
      {can('incidents.write') && <IncidentForm />}
      <h3>{t('inc.map')}</h3>
      <Suspense fallback={<p>{t('app.loading')}</p>}>
        <IncidentMap incidents={load.state === 'ok' ? load.data : []} label={t('inc.map')} />
      </Suspense>
      <h3>{t('inc.list')}</h3>
      <ErrorLine error={error} />
      <LoadView load={load} path="/api/v1/incidents">
        {(rows) =>
          rows.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('msg.dtg')}</th>
                  <th scope="col">{t('msg.from')}</th>
                  <th scope="col">{t('inc.place')}</th>
                  <th scope="col">{t('msg.text')}</th>
                  <th scope="col">{t('msg.state')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const report = (r.report ?? {}) as Row;
                  const position = (report.position ?? {}) as Row;
                  return (
                    <tr key={String(r.id)} data-testid="incident">
                      <td>{cell(report.time ?? r.time)}</td>
                      <td>{cell(r.author)}</td>
                      <td>
                        {cell(position.description)} ({cell(position.lat)}, {cell(position.lon)}) ·{' '}
                        {cell(report.domain)}
                      </td>
                      <td>{cell(report.narrative)}</td>
                      <td data-state={String(r.state)}>
                        {cell(r.state)}
                        {(
                          (r.responses ?? []) as Array<{
                            entry: string;
                            by: string;
                            response: string;
                            account?: string;
                          }>
                        )
                          .filter((x) => x.account)
                          .map((x) => (
                            <div key={x.entry} className="muted">
                              {x.by} ({x.response}): {x.account}
                            </div>
                          ))}
                      </td>
                      <td>
                        {r.author !== party &&
                          can('incidents.write') &&
                          (['acknowledge', 'regret'] as const).map((response) => (
                            <button key={response} type="button" onClick={() => respond(r, response)}>
                              {t(`inc.${response}`)}
                            </button>
                          ))}
                        {r.author !== party &&
                          can('incidents.write') &&
                          (contesting?.id === r.id ? (
                            <form
                              className="compose"
                              onSubmit={(e) => {
                                e.preventDefault();
                                void respond(r, 'contest', contesting?.account ?? '');
                              }}
                            >
                              <label>
                                {t('inc.account')}
                                <textarea
                                  name="account"
                                  rows={4}
                                  value={contesting?.account ?? ''}
                                  onChange={(e) => setContesting({ id: String(r.id), account: e.target.value })}
                                />
                              </label>
                              <button type="submit">{t('form.submit')}</button>
                            </form>
                          ) : (
                            <button type="button" onClick={() => setContesting({ id: String(r.id), account: '' })}>
                              {t('inc.contest')}
                            </button>
                          ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </LoadView>
    </section>
  );
}
