import type { channelMetricsSchema } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import type { z } from 'zod';
import { engagement, type LevelContact, type PeerLinkView, type Row } from '../api/engagement.js';
import { hotline } from '../api/hotline.js';
import { useLive, useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { engagementKinds } from '../i18n/behaviours.js';
import type { MessageKey } from '../i18n/en.js';
import { cell } from '../ui/board.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

type Contact = z.infer<typeof channelMetricsSchema>['contact']['byMechanism'][number];

const nameOf = (row: Row, lang: string) => {
  const names = (row.names ?? {}) as Record<string, string>;
  return names[lang === 'zh' ? 'zh-Hans' : 'en'] ?? names[lang] ?? Object.values(names)[0] ?? String(row.id);
};

/** The board: each peer link (live), days since contact per level, and each mechanism in force with its suspensions. */
export function Mechanisms() {
  const { t } = useApp();
  return (
    <section aria-labelledby="mech-title">
      <h2 id="mech-title">{t('mech.title')}</h2>
      <Links />
      <MechanismTable />
      <Amendments />
    </section>
  );
}

const stateClass: Record<string, string> = { UP: 'state-accepted', DEGRADED: 'state-pending', DOWN: 'state-declined' };

/**
 * Each pinned peer's link (GET /links): state, endpoint, RTT, clock offset,
 * last contact, entries it has yet to confirm. A `link` event from the live
 * stream shows its state at once and reloads the rest; RTT and last contact
 * move with every heartbeat without an event, so the table also reloads every 10 s.
 */
function Links() {
  const { api, t } = useApp();
  const version = useLiveVersion(['link']);
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState<Record<string, { state: string; rttMs?: number }>>({});
  useLive((kind, data) => {
    if (kind !== 'link' || typeof data.peer !== 'string' || typeof data.state !== 'string') return;
    const { peer, state, rttMs } = data as { peer: string; state: string; rttMs?: number };
    setLive((m) => ({ ...m, [peer]: { state, ...(typeof rttMs === 'number' ? { rttMs } : {}) } }));
  });
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 10_000);
    return () => clearInterval(timer);
  }, []);
  const load = useLoad(() => engagement.links(api), [version, tick]);
  return (
    <>
      <h3>{t('mech.links')}</h3>
      <LoadView load={load} path="/api/v1/links">
        {({ serving, links }) =>
          links.length === 0 ? (
            <p>{t('mech.noPeers')}</p>
          ) : (
            <>
              {serving ? null : <p role="note">{t('mech.notServing')}</p>}
              <table data-testid="links">
                <thead>
                  <tr>
                    <th scope="col">{t('mech.peer')}</th>
                    <th scope="col">{t('mech.link')}</th>
                    <th scope="col">{t('mech.endpoint')}</th>
                    <th scope="col">{t('mech.rtt')}</th>
                    <th scope="col">{t('mech.offset')}</th>
                    <th scope="col">{t('mech.lastContact')}</th>
                    <th scope="col">{t('mech.unacked')}</th>
                  </tr>
                </thead>
                <tbody>
                  {links.map((l: PeerLinkView) => {
                    // The live event is newer than the load only until the load catches up with it.
                    const now = live[l.peer];
                    const state = now?.state ?? l.state;
                    const rtt = l.rttMs ?? now?.rttMs ?? null;
                    return (
                      <tr key={l.peer} data-peer={l.peer} data-state={state ?? 'none'}>
                        <th scope="row">{l.peer}</th>
                        <td className={state ? stateClass[state] : undefined}>
                          {t(`mech.state.${state ?? 'none'}` as MessageKey)}
                        </td>
                        <td>
                          {l.endpoint ?? '—'}
                          {l.endpoints.length > 1
                            ? l.endpoints
                                .filter((e) => e.url !== l.endpoint)
                                .map((e) => (
                                  <div key={e.url} className="muted">
                                    {e.url} · {t(`mech.state.${e.state}` as MessageKey)}
                                  </div>
                                ))
                            : null}
                        </td>
                        <td>{rtt === null ? '—' : `${Math.round(rtt)} ms`}</td>
                        <td>
                          {l.offsetMs === null ? '—' : `${l.offsetMs > 0 ? '+' : ''}${Math.round(l.offsetMs)} ms`}
                        </td>
                        <td>
                          <Dtg time={l.lastContact ?? undefined} />
                        </td>
                        <td>
                          {l.channels.length === 0
                            ? '—'
                            : l.channels.map((c) => (
                                <div key={c.channel}>
                                  {c.name}: {c.unacknowledged}
                                </div>
                              ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )
        }
      </LoadView>
    </>
  );
}

/** Each mechanism in force: level, state and suspensions, last contact and days since (from the metrics); then days since contact per level. */
function MechanismTable() {
  const { api, t, lang } = useApp();
  const version = useLiveVersion(['entry']);
  const load = useLoad(async () => {
    const [rows, metrics] = await Promise.all([
      engagement.listAll(api, 'mechanisms'),
      api
        .get<{ channels: Array<{ channel: string; contact: { byMechanism: Contact[]; byLevel: LevelContact[] } }> }>(
          '/metrics',
        )
        .catch(() => ({ channels: [] })),
    ]);
    const contact = new Map(metrics.channels.flatMap((c) => c.contact.byMechanism).map((c) => [c.mechanism, c]));
    const byLevel = metrics.channels.flatMap((c) => c.contact.byLevel.map((l) => ({ ...l, channel: c.channel })));
    return { rows, contact, byLevel };
  }, [version]);
  return (
    <>
      <h3>{t('mech.byLevel')}</h3>
      <LoadView load={load} path="/api/v1/metrics">
        {({ byLevel }) =>
          byLevel.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <table data-testid="contact-by-level">
              <thead>
                <tr>
                  <th scope="col">{t('mech.level')}</th>
                  <th scope="col">{t('mech.lastContact')}</th>
                  <th scope="col">{t('mech.daysSince')}</th>
                </tr>
              </thead>
              <tbody>
                {byLevel.map((l) => (
                  <tr key={`${l.channel}-${l.level}`} data-level={l.level}>
                    <td>L{l.level}</td>
                    <td>
                      <Dtg time={l.lastContact ?? undefined} />
                    </td>
                    <td>{l.daysSince ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadView>
      <h3>{t('mech.mechanisms')}</h3>
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
                  <th scope="col">{t('mech.suspensions')}</th>
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
    </>
  );
}

interface AmendmentRow {
  id: string;
  author: string;
  time: string;
  summary: string;
  acceptedBy: string[];
  inForceAt?: string;
  channel: string;
}

/**
 * Charter amendments (admins, charter.write): propose a mechanism (added, or
 * replacing the one of the same id), and accept the other side's pending ones.
 * In force once every other member accepts (E's routes, api/mechanisms).
 */
function Amendments() {
  const { api, t, can, party } = useApp();
  const version = useLiveVersion(['entry']);
  const [again, setAgain] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [f, setF] = useState({ id: '', en: '', zh: '', level: '2', summary: '' });
  const [kinds, setKinds] = useState<string[]>([]);
  const [principals, setPrincipals] = useState<Record<string, string>>({});
  const load = useLoad(async () => {
    const channels = (await hotline.channels(api)).filter((c) => c.state === 'active');
    const lists = await Promise.all(
      channels.map(async (c) =>
        (
          await api.get<{ amendments: Omit<AmendmentRow, 'channel'>[] }>(
            `/channels/${encodeURIComponent(c.id)}/mechanisms`,
          )
        ).amendments.map((a) => ({ ...a, channel: c.id })),
      ),
    );
    return { channels, amendments: lists.flat().filter((a) => !a.inForceAt) };
  }, [version, again]);
  if (!can('charter.write')) return null;
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((v) => ({ ...v, [k]: e.target.value }));
  const post = async (path: string, body: unknown) => {
    setError(null);
    setDone(null);
    try {
      const r = await api.post<{ id: string }>(path, body);
      setDone(r.id);
      setAgain((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <LoadView load={load} path="/api/v1/channels/…/mechanisms">
      {({ channels, amendments }) => {
        const channel = channels[0];
        if (!channel) return null;
        const submit = (e: FormEvent) => {
          e.preventDefault();
          const mechanism = {
            id: f.id,
            names: { en: f.en, ...(f.zh ? { 'zh-Hans': f.zh } : {}) },
            level: Number(f.level),
            kinds,
            counterparts: channel.members.map((m) => ({ party: m.id, principal: principals[m.id] ?? '' })),
          };
          void post(`/channels/${encodeURIComponent(channel.id)}/mechanisms/amendments`, {
            mechanism,
            ...(f.summary ? { summary: f.summary } : {}),
          });
        };
        return (
          <>
            <h3>{t('mech.amendments')}</h3>
            {amendments.length === 0 ? (
              <p>{t('app.empty')}</p>
            ) : (
              <ul data-testid="amendments">
                {amendments.map((a) => (
                  <li key={a.id}>
                    <Dtg time={a.time} /> {a.author}: {a.summary} ({a.acceptedBy.join(', ') || '—'}){' '}
                    {a.author !== party && !a.acceptedBy.includes(party) && (
                      <button
                        type="button"
                        onClick={() =>
                          post(
                            `/channels/${encodeURIComponent(a.channel)}/mechanisms/amendments/${encodeURIComponent(a.id)}/accept`,
                            {},
                          )
                        }
                      >
                        {t('mech.accept')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            <details className="entry-form" data-testid="amend-form">
              <summary>{t('mech.amend')}</summary>
              <form className="compose" onSubmit={submit}>
                <label>
                  {t('mech.id')}
                  <input name="id" value={f.id} onChange={set('id')} placeholder="dtl" />
                </label>
                <label>
                  {t('mech.nameEn')}
                  <input name="en" value={f.en} onChange={set('en')} />
                </label>
                <label>
                  {t('mech.nameZh')}
                  <input name="zh" value={f.zh} onChange={set('zh')} />
                </label>
                <label>
                  {t('mech.level')}
                  <select name="level" value={f.level} onChange={set('level')}>
                    {['1', '2', '3', '4', '5'].map((l) => (
                      <option key={l} value={l}>
                        L{l}
                      </option>
                    ))}
                  </select>
                </label>
                <fieldset>
                  <legend>{t('mech.kinds')}</legend>
                  {engagementKinds.map((k) => (
                    <label key={k} className="inline">
                      <input
                        type="checkbox"
                        checked={kinds.includes(k)}
                        onChange={(e) => setKinds((v) => (e.target.checked ? [...v, k] : v.filter((x) => x !== k)))}
                      />{' '}
                      {k}
                    </label>
                  ))}
                </fieldset>
                {channel.members.map((m) => (
                  <label key={m.id}>
                    {t('mech.principal', { party: m.id })}
                    <input
                      name={`principal-${m.id}`}
                      value={principals[m.id] ?? ''}
                      onChange={(e) => setPrincipals((p) => ({ ...p, [m.id]: e.target.value }))}
                    />
                  </label>
                ))}
                <label>
                  {t('mech.summary')}
                  <input name="summary" value={f.summary} onChange={set('summary')} />
                </label>
                <ErrorLine error={error} />
                {done && <p role="status">{t('form.sent', { id: done })}</p>}
                <button type="submit">{t('form.submit')}</button>
              </form>
            </details>
          </>
        );
      }}
    </LoadView>
  );
}
