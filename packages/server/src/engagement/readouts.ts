/**
 * Readouts of a meeting, each side's, and the data to compare them: side by
 * side, how often each glossary term appears on each side (in any of its
 * languages), and the terms and words only one side uses. Pure.
 */
import type { Charter } from '@parley/contract';
import { markGlossary } from '../hotline/glossary.js';
import type { RecordEntry } from './record-view.js';
import { short } from './rule-error.js';

export interface ReadoutView {
  id: string;
  author: string;
  /** Whose account it is: the author's, or for an imported external readout, the other member's. */
  side: string;
  time: string;
  meeting: string;
  title?: string;
  text: string;
  language: string;
  visibility: 'public' | 'internal';
  /** Imported from a public source: not signed by the side it is the account of. */
  external?: { url: string; retrievedAt: string; importedBy: string };
}

export interface TermCount {
  /** The glossary entry's terms by language. */
  terms: Record<string, string>;
  note?: string;
  /** Side → occurrences in its readouts, any language. */
  counts: Record<string, number>;
}

export interface ReadoutComparison {
  meeting: string;
  sides: string[];
  readouts: Record<string, ReadoutView[]>;
  terms: TermCount[];
  /** Glossary terms only one side used: side → the terms' first-language forms. */
  termsOnlyBy: Record<string, string[]>;
  /** Words (Latin script, five letters or more, not in a stop list) only one side used, most frequent first. */
  wordsOnlyBy: Record<string, Array<{ word: string; count: number }>>;
}

export function checkReadoutEntry(
  e: RecordEntry,
  lookup: (id: string) => { type: string; cancelled?: boolean } | undefined,
): string | null {
  if (e.type !== 'readout') return null;
  const meeting = (e.body as { meeting: string }).meeting;
  const m = lookup(meeting);
  if (m?.type !== 'meeting') return `${short(meeting)} is not a meeting in this channel`;
  if (m.cancelled) return `meeting ${short(meeting)} was cancelled: there is nothing to read out`;
  return null;
}

export function readoutView(e: RecordEntry, members: string[]): ReadoutView {
  const b = e.body as {
    meeting: string;
    title?: string;
    text: string;
    language: string;
    visibility: 'public' | 'internal';
    external?: true;
    externalSource?: { url: string; retrievedAt: string };
  };
  const others = members.filter((m) => m !== e.author);
  const side = b.external && others.length === 1 ? others[0]! : b.external ? 'external' : e.author;
  return {
    id: e.id,
    author: e.author,
    side,
    time: e.time,
    meeting: b.meeting,
    ...(b.title !== undefined ? { title: b.title } : {}),
    text: b.text,
    language: b.language,
    visibility: b.visibility,
    ...(b.externalSource ? { external: { ...b.externalSource, importedBy: e.author } } : {}),
  };
}

const stop = new Set(
  'about above after again against their there these those which while would should could other being where every under between through during before without within among still because since further'.split(
    ' ',
  ),
);

function words(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.toLowerCase().matchAll(/\p{Script=Latin}{5,}/gu)) {
    if (stop.has(m[0])) continue;
    out.set(m[0], (out.get(m[0]) ?? 0) + 1);
  }
  return out;
}

/** The comparison of every readout of one meeting, by side. */
export function compareReadouts(
  meeting: string,
  readouts: ReadoutView[],
  glossary: Charter['glossary'],
  sides: string[],
): ReadoutComparison {
  const bySide: Record<string, ReadoutView[]> = {};
  for (const side of sides) bySide[side] = [];
  for (const r of readouts) {
    bySide[r.side] ??= [];
    bySide[r.side]!.push(r);
  }
  const allSides = Object.keys(bySide);
  const terms: TermCount[] = glossary.map((g) => ({
    terms: g.terms,
    ...(g.note !== undefined ? { note: g.note } : {}),
    counts: Object.fromEntries(allSides.map((s) => [s, 0])),
  }));
  const wordCounts: Record<string, Map<string, number>> = {};
  for (const side of allSides) {
    const counts = new Map<string, number>();
    for (const r of bySide[side]!) {
      for (const mark of markGlossary(glossary, r.text)) {
        const i = glossary.findIndex((g) => g.terms[mark.language] === mark.term);
        if (i >= 0) terms[i]!.counts[side]! += 1;
      }
      for (const [w, n] of words(r.text)) counts.set(w, (counts.get(w) ?? 0) + n);
    }
    wordCounts[side] = counts;
  }
  const termsOnlyBy: Record<string, string[]> = {};
  const wordsOnlyBy: Record<string, Array<{ word: string; count: number }>> = {};
  for (const side of allSides) {
    // "Only this side" needs another side's readout to compare with: none yet, nothing is only one side's.
    const others = allSides.filter((o) => o !== side && bySide[o]!.length > 0);
    termsOnlyBy[side] =
      others.length === 0
        ? []
        : terms
            .filter((t) => t.counts[side]! > 0 && others.every((o) => t.counts[o] === 0))
            .map((t) => Object.values(t.terms)[0]!);
    wordsOnlyBy[side] =
      others.length === 0
        ? []
        : [...wordCounts[side]!]
            .filter(([w]) => others.every((o) => !wordCounts[o]!.has(w)))
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .slice(0, 30)
            .map(([word, count]) => ({ word, count }));
  }
  return { meeting, sides: allSides, readouts: bySide, terms, termsOnlyBy, wordsOnlyBy };
}
