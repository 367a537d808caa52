import { useState } from 'react';
import { hotline } from '../api/hotline.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { withGlossary } from '../ui/glossary.js';
import { ErrorLine, LoadView, Precedence } from '../ui/load-view.js';
import { Countdown, Dtg } from '../ui/time.js';
import { Tx } from '../ui/tx.js';
import { AckButton } from './watch-floor.js';

export function MessageView({ channel, id }: { channel: string; id: string }) {
  const { api, t, party, can } = useApp();
  const version = useLiveVersion(['receipt', 'ack']);
  const [again, setAgain] = useState(0);
  const load = useLoad(() => hotline.message(api, channel, id), [channel, id, version, again]);
  return (
    <LoadView load={load} path="/api/v1/channels/…/messages/…">
      {(m) => {
        const incoming = !m.own;
        const mine = m.recipients.find((r) => r.party === party);
        return (
          <article className="message" data-testid="message" aria-labelledby="message-subject">
            <header>
              <Precedence value={m.precedence} /> <Dtg time={m.time} /> · {t('msg.serial')} {m.serial} · {t('msg.from')}{' '}
              {m.author} · {m.marking}
              <h2 id="message-subject">{withGlossary(m.subject, m.glossary.subject)}</h2>
            </header>
            <div className="text" lang={m.language}>
              {withGlossary(m.text, m.glossary.text)}
            </div>
            {incoming && mine?.state !== 'read' && can('messages.ack') && <AckButton channel={channel} id={id} />}
            <h3>{t('msg.recipients')}</h3>
            <table data-testid="recipients">
              <thead>
                <tr>
                  <th scope="col">{t('msg.to')}</th>
                  <th scope="col">{t('msg.state')}</th>
                  <th scope="col">{t('msg.due')}</th>
                </tr>
              </thead>
              <tbody>
                {m.recipients.map((r) => (
                  <tr key={r.party} data-testid="recipient" data-party={r.party} data-state={r.state}>
                    <td>{r.party}</td>
                    <td>
                      {t(`msg.state.${r.state}` as 'msg.state.sent')}
                      {r.stored && (
                        <>
                          {' · '}
                          <Tx k="msg.storedAt" vars={{ time: <Dtg time={r.stored.at} /> }} />
                        </>
                      )}
                      {r.read && (
                        <>
                          {' · '}
                          <Tx k="msg.ackedBy" vars={{ by: r.read.by ?? '?', time: <Dtg time={r.read.at} /> }} />
                        </>
                      )}
                      {r.unread?.reason && <> · {r.unread.reason}</>}
                    </td>
                    <td>
                      <Countdown due={m.due} done={r.state === 'read'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>{t('msg.translations')}</h3>
            {m.translation &&
              !m.translations.some((tr) => tr.kind === 'official' && tr.language === m.translation?.language) && (
                <section className="translation" lang={m.translation.language} data-testid="official-translation">
                  <h4>
                    {m.translation.language} · {t('msg.official')} · {m.author}
                  </h4>
                  <div className="text">{m.translation.text}</div>
                </section>
              )}
            {(m.translations ?? []).map((tr) => (
              <section
                key={`${tr.language}-${tr.kind}-${tr.by ?? ''}-${tr.text.length}`}
                className="translation"
                lang={tr.language}
              >
                <h4>
                  {tr.language} · {tr.kind === 'official' ? t('msg.official') : t('msg.working')}· {tr.by} ·{' '}
                  <Dtg time={tr.at} />
                </h4>
                <div className="text">{withGlossary(tr.text, tr.glossary)}</div>
              </section>
            ))}
            {incoming && can('translations.work') && (
              <TranslationForm channel={channel} id={id} onDone={() => setAgain((n) => n + 1)} />
            )}
          </article>
        );
      }}
    </LoadView>
  );
}

function TranslationForm(props: { channel: string; id: string; onDone: () => void }) {
  const { api, t, lang } = useApp();
  const [text, setText] = useState('');
  const [language, setLanguage] = useState(lang === 'zh' ? 'zh-Hans' : 'en');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await hotline.translate(api, props.channel, props.id, { language, text });
          setText('');
          props.onDone();
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <h4>{t('msg.addTranslation')}</h4>
      <label>
        {t('msg.language')}
        <input value={language} onChange={(e) => setLanguage(e.target.value)} required />
      </label>
      <label>
        {t('msg.text')}
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={5} required />
      </label>
      <button type="submit">{t('msg.addTranslation')}</button>
      <ErrorLine error={error} />
    </form>
  );
}
