import type { Permission, Session } from '@parley/contract';
import { createContext, useContext } from 'react';
import type { Api } from '../api/client.js';
import { type Language, type MessageKey, translate } from '../i18n/translate.js';

export interface AppContext {
  api: Api;
  session: Session;
  /** This node's party id (from /healthz). */
  party: string;
  lang: Language;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  can: (permission: Permission) => boolean;
  navigate: (path: string) => void;
  /** Milliseconds since the epoch, ticking each second: every countdown reads this one clock. */
  now: number;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useApp outside the signed-in shell');
  return ctx;
}

export function translator(lang: Language) {
  return (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
}
