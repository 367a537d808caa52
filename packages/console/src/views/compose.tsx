import { type FormEvent, useState } from 'react';
import { type ComposeInput, hotline } from '../api/hotline.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';

const precedences = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const;

export function Compose() {
  const { api, t, lang } = useApp();
  const channels = useLoad(() => hotline.channels(api), []);
  const [form, setForm] = useState<ComposeInput>({
    channel: '',
    precedence: 'ROUTINE',
    subject: '',
    text: '',
    language: lang === 'zh' ? 'zh-Hans' : 'en',
    attachments: [],
  });
  const [official, setOfficial] = useState({ language: lang === 'zh' ? 'en' : 'zh-Hans', text: '' });
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof ComposeInput) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent, channel: string) => {
    e.preventDefault();
    setError(null);
    setOutcome(null);
    try {
      const { marking, ...rest } = form;
      const r = await hotline.compose(api, {
        ...rest,
        channel,
        ...(marking ? { marking } : {}),
        ...(official.text.trim() ? { translation: official } : {}),
      });
      setOfficial((o) => ({ ...o, text: '' }));
      setOutcome(r.kind === 'drafted' ? t('compose.drafted') : t('compose.sent', { serial: r.serial }));
      setForm((f) => ({ ...f, subject: '', text: '' }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="compose-title">
      <h2 id="compose-title">{t('compose.title')}</h2>
      <LoadView load={channels} path="/api/v1/channels">
        {(list) => {
          const active = list.filter((c) => c.state === 'active');
          const channel = form.channel || active[0]?.id || '';
          return (
            <form className="compose" onSubmit={(e) => submit(e, channel)}>
              <label>
                {t('msg.channel')}
                <select name="channel" value={channel} onChange={set('channel')}>
                  {active.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} ({c.members.map((m) => m.id).join(', ')})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('msg.precedence')}
                <select name="precedence" value={form.precedence} onChange={set('precedence')}>
                  {precedences.map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('msg.language')}
                <input name="language" value={form.language} onChange={set('language')} required />
              </label>
              <label>
                {t('msg.marking')}
                <select name="marking" value={form.marking ?? ''} onChange={set('marking')}>
                  {(active.find((c) => c.id === channel)?.markings ?? []).map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('msg.subject')}
                <input name="subject" value={form.subject} onChange={set('subject')} required />
              </label>
              <label>
                {t('msg.text')}
                <textarea name="text" rows={8} value={form.text} onChange={set('text')} required />
              </label>
              <fieldset>
                <legend>{t('compose.official')}</legend>
                <label>
                  {t('compose.officialLanguage')}
                  <input
                    value={official.language}
                    onChange={(e) => setOfficial((o) => ({ ...o, language: e.target.value }))}
                  />
                </label>
                <label>
                  {t('compose.officialText')}
                  <textarea
                    rows={4}
                    value={official.text}
                    onChange={(e) => setOfficial((o) => ({ ...o, text: e.target.value }))}
                  />
                </label>
              </fieldset>
              <button type="submit">{t('compose.submit')}</button>
              {outcome && (
                <p role="status" data-testid="compose-outcome">
                  {outcome}
                </p>
              )}
              <ErrorLine error={error} />
            </form>
          );
        }}
      </LoadView>
    </section>
  );
}
