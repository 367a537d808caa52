import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export const languages = ['en', 'zh'] as const;
export type Language = (typeof languages)[number];
export const catalogues: Record<Language, Record<MessageKey, string>> = { en, zh };
export type { MessageKey };

/** The string of `key` in `lang`, `{name}` placeholders filled from `vars` (as text: the UI renders it escaped). */
export function translate(lang: Language, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}
