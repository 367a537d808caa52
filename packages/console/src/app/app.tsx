import type { Session } from '@parley/contract';
import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.js';
import { closeLive } from '../api/live.js';
import { type Language, languages, translate } from '../i18n/translate.js';
import { SignIn } from '../views/sign-in.js';
import { Shell } from './shell.js';

function initialLanguage(): Language {
  const saved = localStorage.getItem('parley.lang');
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Signed in or not: asks the node for the session (the cookie survives reloads), else shows the sign-in form. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const setLang = (l: Language) => {
    localStorage.setItem('parley.lang', l);
    setLangState(l);
  };

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
    document.title = translate(lang, 'app.title');
  }, [lang]);

  useEffect(() => {
    api.get<Session>('/session').then(
      (s) => {
        api.setSession(s);
        setSession(s);
      },
      (e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.warn(e);
        setSession(null);
      },
    );
  }, []);

  const signedIn = (s: Session | null) => {
    api.setSession(s);
    if (!s) closeLive();
    setSession(s);
  };
  api.onSessionEnded = () => signedIn(null);

  const langSwitch = (
    <label className="lang">
      {translate(lang, 'app.language')}{' '}
      <select value={lang} onChange={(e) => setLang(e.target.value as Language)} data-testid="language">
        {languages.map((l) => (
          <option key={l} value={l}>
            {l === 'en' ? 'English' : '简体中文'}
          </option>
        ))}
      </select>
    </label>
  );

  if (session === undefined) return <p className="boot">{translate(lang, 'app.loading')}</p>;
  if (session === null) return <SignIn lang={lang} langSwitch={langSwitch} onSignedIn={signedIn} />;
  return <Shell session={session} lang={lang} langSwitch={langSwitch} onSignedOut={() => signedIn(null)} />;
}
