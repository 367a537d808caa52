import { type FormEvent, useState } from 'react';
import { engagement, type Row } from '../api/engagement.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';

interface Mechanism {
  id: string;
  channel: string;
  names: Record<string, string>;
  kinds: string[];
  counterparts: Array<{ party: string; principal: string }>;
  state: string;
}

/** `YYYY-MM-DDTHH:MM` read as UTC (the console works in UTC; the slot keeps the proposer's zone for display). */
const utc = (local: string) => new Date(`${local}:00.000Z`).toISOString();

/** A request for a call or meeting on one mechanism; the deadline defaults to the mechanism's answer time. */
export function RequestForm({ onDone }: { onDone: () => void }) {
  const { api, t, lang, party } = useApp();
  const mechanisms = useLoad(
    () => engagement.listAll(api, 'mechanisms') as Promise<unknown> as Promise<Mechanism[]>,
    [],
  );
  const [form, setForm] = useState({
    mechanism: '',
    kind: '',
    subject: '',
    requester: '',
    responder: '',
    start: '',
    minutes: '60',
    agenda: '',
    deadline: '',
  });
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent, list: Mechanism[]) => {
    e.preventDefault();
    setError(null);
    const m = list.find((x) => `${x.channel}/${x.id}` === form.mechanism) ?? list[0];
    if (!m) return;
    const principal = (who: string, mine: boolean) =>
      m.counterparts
        .filter((c) => (c.party === party) === mine)
        .map((c) => ({ name: who || c.principal, title: c.principal, party: c.party }));
    const body: Row = {
      mechanism: m.id,
      kind: form.kind || m.kinds[0],
      subject: form.subject,
      language: lang === 'zh' ? 'zh-Hans' : 'en',
      principals: { requester: principal(form.requester, true), responder: principal(form.responder, false) },
      slots: [{ start: utc(form.start), durationMinutes: Number(form.minutes), timeZone: 'UTC' }],
      agenda: form.agenda
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      ...(form.deadline ? { deadline: utc(form.deadline) } : {}),
    };
    try {
      await engagement.act(api, m.channel, 'request', body);
      setForm((f) => ({ ...f, subject: '', agenda: '' }));
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <details className="request-form">
      <summary>{t('eng.request')}</summary>
      <LoadView load={mechanisms} path="/api/v1/channels/…/mechanisms">
        {(list) => {
          const active = list.filter((m) => m.state === 'active');
          const chosen = active.find((x) => `${x.channel}/${x.id}` === form.mechanism) ?? active[0];
          return active.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <form onSubmit={(e) => submit(e, active)}>
              <label>
                {t('mech.name')}
                <select value={form.mechanism} onChange={set('mechanism')}>
                  {active.map((m) => (
                    <option key={`${m.channel}/${m.id}`} value={`${m.channel}/${m.id}`}>
                      {m.names[lang === 'zh' ? 'zh-Hans' : 'en'] ?? m.id}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('eng.kind')}
                <select value={form.kind} onChange={set('kind')}>
                  {(chosen?.kinds ?? []).map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('msg.subject')}
                <input value={form.subject} onChange={set('subject')} required />
              </label>
              <label>
                {t('eng.ourPrincipal')}
                <input value={form.requester} onChange={set('requester')} />
              </label>
              <label>
                {t('eng.theirPrincipal')}
                <input value={form.responder} onChange={set('responder')} />
              </label>
              <label>
                {t('eng.slot')}
                <input type="datetime-local" value={form.start} onChange={set('start')} required />
              </label>
              <label>
                {t('eng.minutes')}
                <input type="number" min={1} max={1440} value={form.minutes} onChange={set('minutes')} required />
              </label>
              <label>
                {t('eng.agenda')}
                <textarea rows={3} value={form.agenda} onChange={set('agenda')} required />
              </label>
              <label>
                {t('eng.deadline')} (UTC)
                <input type="datetime-local" value={form.deadline} onChange={set('deadline')} />
              </label>
              <button type="submit">{t('eng.send')}</button>
              <ErrorLine error={error} />
            </form>
          );
        }}
      </LoadView>
    </details>
  );
}
