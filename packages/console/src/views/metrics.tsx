import type { channelMetricsSchema } from '@parley/contract';
import { lazy, Suspense } from 'react';
import type { z } from 'zod';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

const MetricsChart = lazy(() => import('./metrics-chart.js'));

type ChannelMetrics = z.infer<typeof channelMetricsSchema>;

const hours = (ms: number | null) => (ms === null ? '—' : `${(ms / 3_600_000).toFixed(1)} h`);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** Incidents per month, one series per side, as uPlot wants it: x in seconds, one y array per series. */
function incidentSeries(m: ChannelMetrics) {
  const months = [...new Set(m.incidents.byMonth.map((r) => r.month))].sort();
  const sides = [...new Set(m.incidents.byMonth.map((r) => r.side))].sort();
  const x = months.map((month) => Date.parse(`${month}-01T00:00:00Z`) / 1000);
  const series = sides.map((side) => ({
    label: side,
    values: months.map((month) => m.incidents.byMonth.find((r) => r.month === month && r.side === side)?.count ?? 0),
  }));
  return { x, series };
}

export function MetricsView() {
  const { api, t } = useApp();
  const load = useLoad(() => api.get<{ now: string; channels: ChannelMetrics[] }>('/metrics'), []);
  return (
    <section aria-labelledby="metrics-title">
      <h2 id="metrics-title">{t('metrics.title')}</h2>
      <LoadView load={load} path="/api/v1/metrics">
        {(all) =>
          all.channels.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            all.channels.map((m) => {
              const incidents = incidentSeries(m);
              return (
                <article key={m.channel} data-testid="metrics">
                  <table>
                    <caption>{t('nav.engagements')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('mech.peer')}</th>
                        <th scope="col">{t('metrics.made')}</th>
                        <th scope="col">{t('state.accepted')}</th>
                        <th scope="col">{t('state.declined')}</th>
                        <th scope="col">{t('state.countered')}</th>
                        <th scope="col">{t('state.unanswered')}</th>
                        <th scope="col">{t('metrics.answerTime')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.requests.bySide.map((r) => (
                        <tr key={r.side}>
                          <td>{r.side}</td>
                          <td>{r.made}</td>
                          <td>{r.accepted}</td>
                          <td>{r.declined}</td>
                          <td>{r.countered}</td>
                          <td>{r.unanswered}</td>
                          <td>
                            {hours(r.medianAnswerMs)} / {hours(r.p90AnswerMs)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table>
                    <caption>{t('mech.daysSince')}</caption>
                    <tbody>
                      {m.contact.byLevel.map((c) => (
                        <tr key={c.level}>
                          <th scope="row">L{c.level}</th>
                          <td>
                            <Dtg time={c.lastContact} />
                          </td>
                          <td>{c.daysSince ?? '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table>
                    <caption>{t('mech.link')}</caption>
                    <tbody>
                      {m.link.map((l) => (
                        <tr key={`${l.checker}-${l.answerer}`}>
                          <th scope="row">
                            {l.checker} → {l.answerer}
                          </th>
                          <td title={t('metrics.uptime')}>{pct(l.uptime)}</td>
                          <td>
                            {t('metrics.checks', {
                              answered: l.operatorAnswered,
                              checks: l.operatorChecks,
                              healthy: l.operatorSilentWhileHealthy,
                              down: l.operatorUnansweredWhileDown,
                            })}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {incidents.x.length > 0 && (
                    <Suspense fallback={<p>{t('app.loading')}</p>}>
                      <MetricsChart title={t('inc.title')} x={incidents.x} series={incidents.series} />
                    </Suspense>
                  )}
                </article>
              );
            })
          )
        }
      </LoadView>
    </section>
  );
}
