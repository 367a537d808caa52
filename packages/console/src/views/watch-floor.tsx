import { useState } from 'react';
import { type Channel, hotline, type MessageSummary } from '../api/hotline.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { LoadView, Precedence } from '../ui/load-view.js';
import { Countdown, Dtg } from '../ui/time.js';

const rank: Record<string, number> = { FLASH: 0, IMMEDIATE: 1, PRIORITY: 2, ROUTINE: 3 };

/** Unhandled first, then by precedence, then newest first. */
export function queueOrder(a: MessageSummary, b: MessageSummary): number {
  const handled = (m: MessageSummary) => (m.recipients.every((r) => r.state === 'read') ? 1 : 0);
  return (
    handled(a) - handled(b) || (rank[a.precedence] ?? 9) - (rank[b.precedence] ?? 9) || b.time.localeCompare(a.time)
  );
}

export function stateOf(m: MessageSummary, party: string): string {
  const mine = m.recipients.find((r) => r.party === party);
  if (mine) return mine.state; // received here: my side's answer
  const all = m.recipients.map((r) => r.state);
  return all.includes('sent') ? 'sent' : all.includes('stored') ? 'stored' : all.includes('unread') ? 'unread' : 'read';
}

/** Every message of every channel this node is in, the live stream reloading it. */
async function loadAll(
  ctx: ReturnType<typeof useApp>,
): Promise<Array<{ channel: Channel; messages: MessageSummary[] }>> {
  const channels = await hotline.channels(ctx.api);
  return Promise.all(
    channels
      .filter((c) => c.state === 'active')
      .map(async (channel) => ({
        channel,
        messages: await hotline.messages(ctx.api, channel.id),
      })),
  );
}

export function WatchFloor() {
  const ctx = useApp();
  const { t, navigate, session, party } = ctx;
  const version = useLiveVersion(['entry', 'receipt', 'ack']);
  const load = useLoad(() => loadAll(ctx), [version]);
  return (
    <section aria-labelledby="watch-title">
      <h2 id="watch-title">{t('watch.title')}</h2>
      <LoadView load={load} path="/api/v1/channels">
        {(groups) => {
          const all = groups.flatMap((g) => g.messages).sort(queueOrder);
          if (all.length === 0) return <p>{t('app.empty')}</p>;
          return (
            <table className="queue" data-testid="queue">
              <caption>{t('watch.queue')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('msg.precedence')}</th>
                  <th scope="col">{t('msg.dtg')}</th>
                  <th scope="col">{t('msg.from')}</th>
                  <th scope="col">{t('msg.serial')}</th>
                  <th scope="col">{t('msg.subject')}</th>
                  <th scope="col">{t('msg.state')}</th>
                  <th scope="col">{t('msg.due')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {all.map((m) => {
                  const state = stateOf(m, party);
                  const incoming = !m.own;
                  return (
                    <tr
                      key={m.id}
                      className={`row-${m.precedence.toLowerCase()}`}
                      data-testid="queue-row"
                      data-id={m.id}
                    >
                      <td>
                        <Precedence value={m.precedence} />
                      </td>
                      <td>
                        <Dtg time={m.time} />
                      </td>
                      <td>{m.author}</td>
                      <td>{m.serial}</td>
                      <td>{m.subject}</td>
                      <td data-testid="state" data-state={state}>
                        {incoming ? `${t('msg.received')} · ` : `${t('msg.own')} · `}
                        {t(`msg.state.${state}` as 'msg.state.sent')}
                        {m.overdue && <strong className="late"> · {t('msg.overdue')}</strong>}
                      </td>
                      <td>
                        <Countdown due={m.due} done={state === 'read'} />
                      </td>
                      <td>
                        <button
                          type="button"
                          onClick={() => navigate(`/messages/${encodeURIComponent(m.channel)}/${m.id}`)}
                          aria-label={`${t('msg.open')} ${m.precedence} ${m.serial}`}
                        >
                          {t('msg.open')}
                        </button>
                        {incoming && state !== 'read' && session.permissions.includes('messages.ack') && (
                          <AckButton channel={m.channel} id={m.id} />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </LoadView>
    </section>
  );
}

export function AckButton({ channel, id }: { channel: string; id: string }) {
  const { api, t } = useApp();
  const [state, setState] = useState<'idle' | 'busy' | 'done' | string>('idle');
  if (state === 'done') return <span>{t('msg.acked')}</span>;
  return (
    <>
      <button
        type="button"
        data-testid="ack"
        disabled={state === 'busy'}
        onClick={() => {
          setState('busy');
          hotline.ack(api, channel, id).then(
            () => setState('done'),
            (e: Error) => setState(e.message),
          );
        }}
      >
        {t('msg.ack')}
      </button>
      {state !== 'idle' && state !== 'busy' && <span className="error">{state}</span>}
    </>
  );
}
