import type { Session } from '@parley/contract';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api } from '../api/client.js';
import { primeSound } from '../app/alarm-sound.js';
import { type Language, translate } from '../i18n/translate.js';

export function SignIn(props: { lang: Language; langSwitch: ReactNode; onSignedIn: (s: Session) => void }) {
  const t = (k: Parameters<typeof translate>[1], v?: Record<string, string>) => translate(props.lang, k, v);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    primeSound(); // a user gesture: the alarm may sound later
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await api.post<Session>('/session', { name, password }));
    } catch (err) {
      setError(t('signIn.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <header>
        <h1>{t('app.title')}</h1>
        {props.langSwitch}
      </header>
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">{t('signIn.title')}</h2>
        <label>
          {t('signIn.name')}
          <input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          {t('signIn.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
