import type { Charter } from '@parley/contract';

/** One glossary term found in a text: where, as written, and what it is in the other languages. */
export interface GlossaryMark {
  /** UTF-16 offsets into the text, end exclusive (what String.prototype.slice takes). */
  start: number;
  end: number;
  /** The text as written there (its case may differ from the glossary's). */
  text: string;
  /** The language whose form of the term matched. */
  language: string;
  /** The glossary's form of the term in that language. */
  term: string;
  /** The term in each other language of the glossary entry. */
  translations: Record<string, string>;
  note?: string;
}

type Glossary = Charter['glossary'];

/** Scripts written without spaces or case: matched exactly, with no word boundaries. */
const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const wordChar = /[\p{L}\p{N}]/u;

/**
 * Marks the charter glossary's terms in a text, in any of the glossary's
 * languages. Latin-script (and other cased) terms match case-insensitively
 * as whole words, with any run of white space between their words; CJK terms
 * match exactly, anywhere. Overlapping matches resolve to the leftmost, then
 * the longest. Marks are in text order.
 *
 * @example
 * markGlossary([{ terms: { en: 'hotline', 'zh-Hans': '热线' } }], 'The Hotline / 热线');
 * // [{ start: 4, end: 11, text: 'Hotline', language: 'en', term: 'hotline', translations: { 'zh-Hans': '热线' } }, …]
 */
export function markGlossary(glossary: Glossary, text: string): GlossaryMark[] {
  const found: GlossaryMark[] = [];
  for (const entry of glossary) {
    for (const [language, term] of Object.entries(entry.terms)) {
      const translations = Object.fromEntries(Object.entries(entry.terms).filter(([l]) => l !== language));
      for (const m of text.matchAll(termPattern(term))) {
        found.push({
          start: m.index,
          end: m.index + m[0].length,
          text: m[0],
          language,
          term,
          translations,
          ...(entry.note !== undefined ? { note: entry.note } : {}),
        });
      }
    }
  }
  return withoutOverlaps(found);
}

function termPattern(term: string): RegExp {
  const trimmed = term.trim();
  if (unspaced.test(trimmed)) return new RegExp(literal(trimmed), 'gu');
  const body = trimmed.split(/\s+/u).map(literal).join('\\s+');
  const before = wordChar.test(trimmed[0]!) ? '(?<![\\p{L}\\p{N}])' : '';
  const after = wordChar.test(trimmed.at(-1)!) ? '(?![\\p{L}\\p{N}])' : '';
  return new RegExp(`${before}${body}${after}`, 'giu');
}

function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function withoutOverlaps(marks: GlossaryMark[]): GlossaryMark[] {
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: GlossaryMark[] = [];
  for (const mark of marks) if (kept.length === 0 || mark.start >= kept.at(-1)!.end) kept.push(mark);
  return kept;
}
