import type { Permission, Session } from '@parley/contract';
import { type ReactNode, Suspense, useEffect, useMemo, useState } from 'react';
import { type Api, api } from '../api/client.js';
import { hotline } from '../api/hotline.js';
import { openLive, useLive, useLiveConnected } from '../api/live.js';
import type { Language } from '../i18n/translate.js';
import { utcSeconds } from '../time/dtg.js';
import { AlarmBar, type FlashAlarm } from './alarm-bar.js';
import { setSound, soundAlarm, soundEnabled } from './alarm-sound.js';
import { type AppContext, Ctx, translator } from './context.js';
import { navItems } from './nav.js';
import { usePath } from './router.js';
import { routeView } from './routes.js';

/** Received FLASH messages that no person here has acknowledged yet. */
async function pendingFlash(client: Api): Promise<FlashAlarm[]> {
  const { party } = (await (await fetch('/healthz')).json()) as { party?: string };
  const channels = (await hotline.channels(client)).filter((c) => c.state === 'active');
  const lists = await Promise.all(channels.map((c) => hotline.messages(client, c.id)));
  return lists
    .flat()
    .filter(
      (m) =>
        !m.own &&
        m.precedence === 'FLASH' &&
        m.recipients.some((r) => r.party === party && r.state !== 'read' && r.state !== 'unread'),
    )
    .map((m) => ({ channel: m.channel, id: m.id, time: m.time }));
}

export function Shell(props: { session: Session; lang: Language; langSwitch: ReactNode; onSignedOut: () => void }) {
  const { session, lang } = props;
  const [path, navigate] = usePath();
  const [now, setNow] = useState(Date.now());
  const [party, setParty] = useState('');
  const [flash, setFlash] = useState<FlashAlarm[]>([]);
  const [alarms, setAlarms] = useState<Array<{ key: number; kind: string; message: string }>>([]);
  const [sound, setSoundState] = useState(soundEnabled());
  const connected = useLiveConnected();

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    fetch('/healthz')
      .then((r) => r.json() as Promise<{ party?: string }>)
      .then((h) => setParty(h.party ?? ''))
      .catch(() => {});
    if (session.permissions.includes('messages.read')) {
      openLive();
      // What was already waiting when this console opened: unacknowledged FLASH messages, the node's alarms.
      pendingFlash(api).then((list) => {
        if (list.length > 0) {
          setFlash(list);
          soundAlarm();
        }
      }, console.warn);
      api
        .get<{ alarms: Array<{ id: number; kind: string; message: string }> }>('/alarms')
        .then((r) => setAlarms(r.alarms.map((a) => ({ key: a.id, kind: a.kind, message: a.message }))), console.warn);
    }
    return () => clearInterval(timer);
  }, [session]);

  useEffect(() => {
    if (path === '/' || path === '') {
      const first = navItems.find((n) => session.permissions.includes(n.permission));
      navigate(first?.path ?? '/watch');
    }
  }, [path, session, navigate]);

  useLive((kind, data) => {
    if (kind === 'entry' && data.type === 'message' && data.precedence === 'FLASH' && data.own === false) {
      setFlash((list) => [...list, { channel: String(data.channel), id: String(data.id), time: String(data.time) }]);
      soundAlarm();
    } else if (kind === 'ack' && data.own === true) {
      setFlash((list) => list.filter((f) => f.id !== data.message));
    } else if (kind === 'alarm') {
      setAlarms((list) =>
        [{ key: Date.now() + Math.random(), kind: String(data.kind), message: String(data.message) }, ...list].slice(
          0,
          20,
        ),
      );
      soundAlarm();
    }
  });

  const ctx: AppContext = useMemo(
    () => ({
      api,
      session,
      party,
      lang,
      t: translator(lang),
      can: (p: Permission) => session.permissions.includes(p),
      navigate,
      now,
    }),
    [session, party, lang, navigate, now],
  );
  const { t } = ctx;

  const signOut = async () => {
    await api.delete('/session').catch(() => {});
    props.onSignedOut();
  };

  const visible = navItems.filter((n) => ctx.can(n.permission));
  return (
    <Ctx.Provider value={ctx}>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <h1>
          {t('app.title')} {party && <span className="party">· {party}</span>}
        </h1>
        <span className="clock" title={new Date(now).toLocaleString()}>
          {utcSeconds(now)}
        </span>
        <span className={connected ? 'live on' : 'live off'} role="status">
          {connected ? t('app.live') : t('app.offline')}
        </span>
        <button
          type="button"
          aria-pressed={sound}
          onClick={() => {
            setSound(!sound);
            setSoundState(!sound);
          }}
        >
          {sound ? t('app.soundOn') : t('app.soundOff')}
        </button>
        {props.langSwitch}
        <span className="who">
          {t('app.signedInAs', { name: session.user.name, roles: session.user.roles.join(', ') })}
        </span>
        <button type="button" onClick={signOut}>
          {t('app.signOut')}
        </button>
      </header>
      <AlarmBar flash={flash} alarms={alarms} onSilence={() => setAlarms([])} />
      <div className="body">
        <nav aria-label={t('nav.label')}>
          <ul>
            {visible.map((n) => (
              <li key={n.path}>
                <a
                  href={n.path}
                  aria-current={path.startsWith(n.path) ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(n.path);
                  }}
                >
                  {t(n.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<p>{t('app.loading')}</p>}>{routeView(path, ctx)}</Suspense>
        </main>
      </div>
    </Ctx.Provider>
  );
}
