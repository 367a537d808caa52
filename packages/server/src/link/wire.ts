import type { SignedEntry } from '@parley/record';
import type { StoredEntryRow } from '../store/store.js';

/** A stored row as it travels on the link: { header, sig, body }, parsed from the exact stored bytes. */
export function rowToEntry(row: StoredEntryRow): SignedEntry {
  return { header: JSON.parse(row.header), sig: row.sig, body: JSON.parse(row.body) };
}

/** A request body already written as JSON text: linkRequest sends it as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * `{"entries":[…]}` for a push, written from the stored canonical texts
 * (valid JSON by construction) instead of parsing and re-serialising each
 * entry: the same value as JSON.stringify({ entries: rows.map(rowToEntry) }).
 */
export function entriesJson(rows: readonly StoredEntryRow[]): JsonText {
  const parts = rows.map((r) => `{"header":${r.header},"sig":${JSON.stringify(r.sig)},"body":${r.body}}`);
  return new JsonText(`{"entries":[${parts.join(',')}]}`);
}
