import { type EntryHeader, ParleyError } from '@parley/contract';
import { type AcceptedEntry, canonicalize, type JsonValue, type SignedEntry, toBase64url } from '@parley/record';
import type { Selectable } from 'kysely';
import type { EntriesTable } from './database.js';
import type { StoredEntryRow } from './store.js';

/** An entry ready to be written: the exact canonical texts plus the parsed parts projections read. */
export interface EntryToStore {
  id: string;
  header: EntryHeader;
  headerText: string;
  sig: string;
  body: JsonValue;
  bodyText: string;
  flags: string;
}

/** From a verified entry: the header's JCS text (whose SHA-256 is the id) and the body's canonical bytes. */
export function fromAccepted(entry: AcceptedEntry): EntryToStore {
  const { header, body } = entry;
  if (body === undefined) throw new ParleyError('PARLEY_E_BODY_MISSING', { author: header.author, seq: header.seq });
  return {
    id: entry.id,
    header,
    headerText: entry.headerText,
    sig: toBase64url(entry.sig),
    body,
    bodyText: entry.bodyText ?? canonicalize(body),
    flags: JSON.stringify(entry.flags),
  };
}

/** From an entry this node just signed. */
export function fromSigned(id: string, entry: SignedEntry): EntryToStore {
  const { header, body } = entry;
  if (body === undefined) throw new ParleyError('PARLEY_E_BODY_MISSING', { author: header.author, seq: header.seq });
  return {
    id,
    header,
    headerText: canonicalize(header as unknown as JsonValue),
    sig: entry.sig,
    body,
    bodyText: canonicalize(body),
    flags: '[]',
  };
}

export function toInsert(e: EntryToStore, storedAt: string): EntriesTable {
  const { channel, author, seq, type, time } = e.header;
  return {
    channel,
    author,
    seq,
    id: e.id,
    type,
    time,
    header: e.headerText,
    sig: e.sig,
    body: e.bodyText,
    stored_at: storedAt,
    flags: e.flags,
  };
}

export function toStoredRow(row: Selectable<EntriesTable>): StoredEntryRow {
  return {
    channel: row.channel,
    author: row.author,
    seq: row.seq,
    id: row.id,
    type: row.type,
    time: row.time,
    header: row.header,
    sig: row.sig,
    body: row.body,
    storedAt: row.stored_at,
    flags: row.flags,
  };
}

/** Splits rows for multi-row INSERTs, well under every dialect's limit on bound parameters. */
export function chunks<T>(rows: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
