import type { SignedEntry } from '@parley/record';
import type { StoredEntryRow } from '../store/store.js';

/** A stored row as it travels on the link: { header, sig, body }, parsed from the exact stored bytes. */
export function rowToEntry(row: StoredEntryRow): SignedEntry {
  return { header: JSON.parse(row.header), sig: row.sig, body: JSON.parse(row.body) };
}
