import type { channelMetricsSchema } from '@parley/contract';
import type { z } from 'zod';
import { engagement, type Row } from '../api/engagement.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { cell } from '../ui/board.js';
import { LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

type Contact = z.infer<typeof channelMetricsSchema>['contact']['byMechanism'][number];

const nameOf = (row: Row, lang: string) => {
  const names = (row.names ?? {}) as Record<string, string>;
  return names[lang === 'zh' ? 'zh-Hans' : 'en'] ?? names[lang] ?? Object.values(names)[0] ?? String(row.id);
};

/** Each mechanism in force: level, state and suspensions, last contact and days since (from the metrics). */
export function Mechanisms() {
  const { api, t, lang } = useApp();
  const version = useLiveVersion(['entry']);
  const load = useLoad(async () => {
    const [rows, metrics] = await Promise.all([
      engagement.listAll(api, 'mechanisms'),
      api.get<{ channels: Array<{ contact: { byMechanism: Contact[] } }> }>('/metrics').catch(() => ({ channels: [] })),
    ]);
    const contact = new Map(metrics.channels.flatMap((c) => c.contact.byMechanism).map((c) => [c.mechanism, c]));
    return { rows, contact };
  }, [version]);
  return (
    <section aria-labelledby="mech-title">
      <h2 id="mech-title">{t('mech.title')}</h2>
      <LoadView load={load} path="/api/v1/channels/…/mechanisms">
        {({ rows, contact }) =>
          rows.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <table data-testid="mechanisms">
              <thead>
                <tr>
                  <th scope="col">{t('mech.name')}</th>
                  <th scope="col">{t('mech.level')}</th>
                  <th scope="col">{t('msg.state')}</th>
                  <th scope="col">{t('mech.lastContact')}</th>
                  <th scope="col">{t('mech.daysSince')}</th>
                  <th scope="col">{t('mech.suspended')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const c = contact.get(String(r.id));
                  const history = (r.history ?? []) as Array<{
                    entry: string;
                    kind: string;
                    by: string;
                    time: string;
                    text: string;
                  }>;
                  return (
                    <tr
                      key={`${String(r.channel)}-${String(r.id)}`}
                      className={r.state === 'suspended' ? 'state-declined' : undefined}
                    >
                      <td>{nameOf(r, lang)}</td>
                      <td>L{cell(r.level)}</td>
                      <td>{r.state === 'suspended' ? t('mech.suspended') : t('mech.active')}</td>
                      <td>
                        <Dtg time={c?.lastContact} />
                      </td>
                      <td>{c?.daysSince ?? '—'}</td>
                      <td>
                        {history.length === 0
                          ? '—'
                          : history.map((h) => (
                              <div key={h.entry}>
                                <Dtg time={h.time} /> {h.by} {h.kind}: {h.text}
                              </div>
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
