import { useState } from 'react';
import { type Row, rowsOf } from '../api/engagement.js';
import { hotline } from '../api/hotline.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

interface Comparison {
  sides: string[];
  readouts: Record<string, Array<{ id: string; title?: string; text: string; language: string; time: string }>>;
  terms: Array<{ terms: Record<string, string>; counts: Record<string, number> }>;
  termsOnlyBy: Record<string, string[]>;
  wordsOnlyBy: Record<string, Array<{ word: string; count: number }>>;
}

async function meetings(api: ReturnType<typeof useApp>['api']): Promise<Row[]> {
  const channels = (await hotline.channels(api)).filter((c) => c.state === 'active');
  const lists = await Promise.all(
    channels.map(async (c) =>
      rowsOf((await api.get<{ meetings: Row[] }>(`/channels/${encodeURIComponent(c.id)}/engagements`)).meetings).map(
        (m) => ({ ...m, channel: c.id }),
      ),
    ),
  );
  return lists.flat();
}

export function Readouts() {
  const { api, t } = useApp();
  const list = useLoad(() => meetings(api), []);
  const [chosen, setChosen] = useState<Row | null>(null);
  return (
    <section aria-labelledby="readouts-title">
      <h2 id="readouts-title">{t('readouts.title')}</h2>
      <LoadView load={list} path="/api/v1/channels/…/engagements">
        {(ms) =>
          ms.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <label>
              {t('eng.choose')}{' '}
              <select
                value={String(chosen?.id ?? '')}
                onChange={(e) => setChosen(ms.find((m) => m.id === e.target.value) ?? null)}
              >
                <option value="">—</option>
                {ms.map((m) => (
                  <option key={String(m.id)} value={String(m.id)}>
                    {String(m.start ?? m.time ?? '')} {String(m.kind ?? '')} ({String(m.state)})
                  </option>
                ))}
              </select>
            </label>
          )
        }
      </LoadView>
      {chosen && <SideBySide channel={String(chosen.channel)} meeting={String(chosen.id)} />}
    </section>
  );
}

function SideBySide({ channel, meeting }: { channel: string; meeting: string }) {
  const { api, t, party } = useApp();
  const path = `/channels/${encodeURIComponent(channel)}/meetings/${encodeURIComponent(meeting)}/readouts`;
  const load = useLoad(() => api.get<Comparison>(path), [path]);
  return (
    <LoadView load={load} path={`/api/v1${path}`}>
      {(c) => (
        <div className="side-by-side">
          {c.sides.map((side) => (
            <section key={side} aria-label={side}>
              <h3>{side === party ? t('readouts.ours') : `${t('readouts.theirs')} (${side})`}</h3>
              {(c.readouts[side] ?? []).map((r) => (
                <article key={r.id} lang={r.language}>
                  <h4>
                    {r.title ?? ''} <Dtg time={r.time} />
                  </h4>
                  <div className="text">{r.text}</div>
                </article>
              ))}
              <h4>{t('readouts.onlyOne')}</h4>
              <p>
                {[
                  ...(c.termsOnlyBy[side] ?? []),
                  ...(c.wordsOnlyBy[side] ?? []).map((w) => `${w.word} ×${w.count}`),
                ].join(' · ') || '—'}
              </p>
            </section>
          ))}
        </div>
      )}
    </LoadView>
  );
}
