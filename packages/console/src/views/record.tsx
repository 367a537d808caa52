import { type FormEvent, useState } from 'react';
import { engagement, type RecordEntry, type RecordVerify, type RequestView, record } from '../api/engagement.js';
import { hotline } from '../api/hotline.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

/**
 * The record as evidence: pick a channel; its feeds (author, length, head);
 * a feed's entries page by page (headers only); verify the stored channel;
 * download an evidence bundle with the disclosure `parley export` offers;
 * and the requests left unanswered, each with its evidence of silence.
 */
export function RecordExplorer() {
  const { api, t } = useApp();
  const [chosen, setChosen] = useState('');
  const load = useLoad(async () => {
    const channels = (await hotline.channels(api)).filter((c) => c.state === 'active');
    const requests: RequestView[] = (await Promise.all(channels.map((c) => engagement.requests(api, c.id)))).flat();
    return { channels, unanswered: requests.filter((r) => r.unansweredAtDeadline) };
  }, []);
  return (
    <section aria-labelledby="record-title">
      <h2 id="record-title">{t('record.title')}</h2>
      <LoadView load={load} path="/api/v1/channels">
        {({ channels, unanswered }) => {
          const channel = chosen || channels[0]?.id || '';
          return channels.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <>
              <label>
                {t('record.channel')}{' '}
                <select data-testid="record-channel" value={channel} onChange={(e) => setChosen(e.target.value)}>
                  {channels.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} ({c.members.map((m) => m.id).join(', ')})
                    </option>
                  ))}
                </select>
              </label>
              <Feeds key={channel} channel={channel} />
              <Verify key={`v-${channel}`} channel={channel} />
              <ExportForm channel={channel} />
              <h3>{t('record.unanswered')}</h3>
              {unanswered.length === 0 ? (
                <p>{t('app.empty')}</p>
              ) : (
                <ul>
                  {unanswered.map((r) => (
                    <li key={r.id}>
                      <Dtg time={r.time} /> {r.subject} ·{' '}
                      <a
                        href={`/api/v1/channels/${encodeURIComponent(r.channel ?? '')}/evidence/unanswered/${encodeURIComponent(r.id)}`}
                        download
                      >
                        {t('record.export')}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </LoadView>
    </section>
  );
}

/** The channel's feeds; choosing one shows its entries page by page. */
function Feeds({ channel }: { channel: string }) {
  const { api, t } = useApp();
  const [author, setAuthor] = useState('');
  const load = useLoad(() => record.feeds(api, channel), [channel]);
  return (
    <>
      <h3>{t('record.feeds')}</h3>
      <LoadView load={load} path="/api/v1/channels/…/record">
        {({ feeds }) => (
          <table data-testid="record-feeds">
            <thead>
              <tr>
                <th scope="col">{t('record.feed')}</th>
                <th scope="col">{t('record.entries')}</th>
                <th scope="col">{t('record.head')}</th>
                <th scope="col">{t('record.time')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {feeds.map((f) => (
                <tr key={f.author} data-author={f.author}>
                  <th scope="row">{f.author}</th>
                  <td>{f.entries}</td>
                  <td>
                    <code>{f.head ? `${f.head.seq} · ${f.head.id}` : '—'}</code>
                  </td>
                  <td>
                    <Dtg time={f.head?.time} />
                  </td>
                  <td>
                    <button type="button" onClick={() => setAuthor(f.author)} disabled={f.entries === 0}>
                      {t('record.browse', { author: f.author })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadView>
      {author && <Entries key={author} channel={channel} author={author} />}
    </>
  );
}

/** One feed's entries, 50 at a time, in seq order. */
function Entries({ channel, author }: { channel: string; author: string }) {
  const { api, t } = useApp();
  const [from, setFrom] = useState(1);
  const load = useLoad(() => record.entries(api, channel, author, from), [channel, author, from]);
  return (
    <div aria-live="polite">
      <h4>
        {t('record.feed')} {author}
      </h4>
      <LoadView load={load} path="/api/v1/channels/…/record/feeds/…">
        {({ entries, next }: { entries: RecordEntry[]; next: number | null }) => (
          <>
            <table data-testid="record-entries">
              <thead>
                <tr>
                  <th scope="col">{t('record.seq')}</th>
                  <th scope="col">{t('record.type')}</th>
                  <th scope="col">{t('record.time')}</th>
                  <th scope="col">{t('record.id')}</th>
                  <th scope="col">{t('record.stored')}</th>
                  <th scope="col">{t('record.flags')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.seq} data-seq={e.seq}>
                    <td>{e.seq}</td>
                    <td>{e.type}</td>
                    <td>
                      <Dtg time={e.time} />
                    </td>
                    <td>
                      <code>{e.id}</code>
                    </td>
                    <td>
                      <Dtg time={e.storedAt} />
                    </td>
                    <td>{e.flags.length === 0 ? '—' : e.flags.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              {from > 1 && (
                <button type="button" onClick={() => setFrom(1)}>
                  {t('record.first')}
                </button>
              )}{' '}
              {next !== null && (
                <button type="button" onClick={() => setFrom(next)}>
                  {t('record.newer')}
                </button>
              )}
            </p>
          </>
        )}
      </LoadView>
    </div>
  );
}

/** Verifies the stored channel on demand and shows what is proven (or why not). */
function Verify({ channel }: { channel: string }) {
  const { api, t, can } = useApp();
  const [state, setState] = useState<{ busy: boolean; result?: RecordVerify; error?: string }>({ busy: false });
  if (!can('exports.read')) return null;
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ busy: false, result: await record.verify(api, channel) });
    } catch (err) {
      setState({ busy: false, error: (err as Error).message });
    }
  };
  const r = state.result;
  return (
    <div data-testid="record-verify">
      <p>
        <button type="button" onClick={run} disabled={state.busy}>
          {t('record.verify')}
        </button>{' '}
        {state.busy && <span aria-busy="true">{t('record.verifying')}</span>}
      </p>
      {state.error && (
        <p role="alert" className="error">
          {t('app.error', { message: state.error })}
        </p>
      )}
      {r &&
        (r.ok ? (
          <div role="status">
            <p className="state-accepted">{t('record.verified')}</p>
            <ul>
              {[...r.statements, ...r.notes].map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the verifier's lines have no other identity
                <li key={i}>{line}</li>
              ))}
            </ul>
          </div>
        ) : (
          <p role="alert" className="state-declined">
            {t('record.notVerified', { message: `${r.error?.code ?? ''} ${r.error?.message ?? ''}` })}
          </p>
        ))}
    </div>
  );
}

/** The bundle `parley export` builds, downloaded (never shown): disclosure and time window as its options. */
function ExportForm({ channel }: { channel: string }) {
  const { t, can } = useApp();
  const [q, setQ] = useState({ disclose: '', from: '', to: '' });
  if (!can('exports.read')) return null;
  const set = (k: keyof typeof q) => (e: { target: { value: string } }) => setQ((v) => ({ ...v, [k]: e.target.value }));
  const href = record.exportHref(channel, q);
  const stop = (e: FormEvent) => e.preventDefault();
  return (
    <form className="compose" onSubmit={stop} data-testid="record-export">
      <label>
        {t('record.disclose')}
        <input name="disclose" value={q.disclose} onChange={set('disclose')} placeholder="message,notification" />
      </label>
      <label>
        {t('record.from')}
        <input name="from" value={q.from} onChange={set('from')} placeholder="2026-01-01T00:00:00Z" />
      </label>
      <label>
        {t('record.to')}
        <input name="to" value={q.to} onChange={set('to')} />
      </label>
      <p>
        <a href={href} download>
          {t('record.export')}
        </a>
      </p>
    </form>
  );
}
