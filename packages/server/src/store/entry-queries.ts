import type { FeedHead } from '@parley/record';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { toStoredRow } from './entry-rows.js';
import { headOf } from './feed-append.js';
import type { StoredEntryRow } from './store.js';

export async function feedHead(db: Kysely<Database>, channel: string, author: string): Promise<FeedHead | undefined> {
  const row = await db
    .selectFrom('feeds')
    .selectAll()
    .where('channel', '=', channel)
    .where('author', '=', author)
    .executeTakeFirst();
  return headOf(row);
}

export async function feedHeads(db: Kysely<Database>, channel: string): Promise<Record<string, FeedHead>> {
  const rows = await db
    .selectFrom('feeds')
    .selectAll()
    .where('channel', '=', channel)
    .where('seq', '>', 0)
    .orderBy('author')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.author, headOf(row)!]));
}

export async function entryAt(
  db: Kysely<Database>,
  channel: string,
  author: string,
  seq: number,
): Promise<StoredEntryRow | undefined> {
  const row = await db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', channel)
    .where('author', '=', author)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row && toStoredRow(row);
}

export async function entryById(db: Kysely<Database>, id: string): Promise<StoredEntryRow | undefined> {
  const row = await db.selectFrom('entries').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toStoredRow(row);
}

export async function feedRange(
  db: Kysely<Database>,
  channel: string,
  author: string,
  fromSeq: number,
  limit: number,
): Promise<StoredEntryRow[]> {
  const rows = await db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', channel)
    .where('author', '=', author)
    .where('seq', '>=', fromSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toStoredRow);
}

export async function channelScan(
  db: Kysely<Database>,
  channel: string,
  after: { author: string; seq: number } | undefined,
  limit: number,
): Promise<StoredEntryRow[]> {
  const rows = await db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', channel)
    .$if(after !== undefined, (q) =>
      q.where((eb) => eb(eb.refTuple('author', 'seq'), '>', eb.tuple(after!.author, after!.seq))),
    )
    .orderBy('author')
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toStoredRow);
}

export async function entriesOfType(db: Kysely<Database>, channel: string, type: string): Promise<StoredEntryRow[]> {
  const rows = await db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', channel)
    .where('type', '=', type)
    .orderBy('author')
    .orderBy('seq')
    .execute();
  return rows.map(toStoredRow);
}

export async function peerHeads(db: Kysely<Database>, channel: string, peer: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('peer_heads')
    .select(['author', 'seq'])
    .where('channel', '=', channel)
    .where('peer', '=', peer)
    .orderBy('author')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.author, r.seq]));
}

export async function maxSerial(db: Kysely<Database>, channel: string, author: string): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('serial').as('serial'))
    .where('channel', '=', channel)
    .where('author', '=', author)
    .executeTakeFirst();
  return Number(row?.serial ?? 0);
}
