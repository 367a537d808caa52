import type { ReactNode } from 'react';

/** Where the node found a glossary term in a text (GlossaryMark of the contract). */
export interface Mark {
  start: number;
  end: number;
  text: string;
  term: string;
  translations: Record<string, string>;
  note?: string;
}

/**
 * The text with each glossary term the node marked wrapped in <mark>, its
 * equivalents in the charter's other languages on hover. Everything stays
 * text: peer input never becomes markup.
 */
export function withGlossary(text: string, marks: readonly Mark[] | undefined): ReactNode[] {
  const sorted = [...(marks ?? [])].sort((a, b) => a.start - b.start);
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of sorted) {
    if (m.start < last || m.end > text.length || m.end <= m.start) continue;
    if (m.start > last) out.push(text.slice(last, m.start));
    const others = Object.entries(m.translations)
      .map(([lang, term]) => `${lang}: ${term}`)
      .join(' · ');
    out.push(
      <mark key={m.start} className="term" title={m.note ? `${others} — ${m.note}` : others}>
        {text.slice(m.start, m.end)}
      </mark>,
    );
    last = m.end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
