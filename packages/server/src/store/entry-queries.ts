import type { FeedHead } from '@parley/record';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { toStoredRow } from './entry-rows.js';
import { headOf } from './feed-append.js';
import { Prepared } from './prepared.js';
import type { StoredEntryRow } from './store.js';

/** A feed's row (its head), by channel and author; feed-append.ts locks it with the same text. */
export const feedRow = new Prepared((db, [p]: readonly { channel: string; author: string }[]) =>
  db.selectFrom('feeds').selectAll().where('channel', '=', p!.channel).where('author', '=', p!.author),
);

export async function feedHead(db: Kysely<Database>, channel: string, author: string): Promise<FeedHead | undefined> {
  return headOf(await feedRow.first(db, { channel, author }));
}

const feedRows = new Prepared((db, [p]: readonly { channel: string }[]) =>
  db.selectFrom('feeds').selectAll().where('channel', '=', p!.channel).where('seq', '>', 0).orderBy('author'),
);

export async function feedHeads(db: Kysely<Database>, channel: string): Promise<Record<string, FeedHead>> {
  const rows = await feedRows.execute(db, [{ channel }]);
  return Object.fromEntries(rows.map((row) => [row.author, headOf(row)!]));
}

const entryRow = new Prepared((db, [p]: readonly { channel: string; author: string; seq: number }[]) =>
  db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', p!.channel)
    .where('author', '=', p!.author)
    .where('seq', '=', p!.seq),
);

export async function entryAt(
  db: Kysely<Database>,
  channel: string,
  author: string,
  seq: number,
): Promise<StoredEntryRow | undefined> {
  const row = await entryRow.first(db, { channel, author, seq });
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
  const rows = await entryRange.execute(db, [{ channel, author, fromSeq, limit }]);
  return rows.map(toStoredRow);
}

const entryRange = new Prepared(
  (db, [p]: readonly { channel: string; author: string; fromSeq: number; limit: number }[]) =>
    db
      .selectFrom('entries')
      .selectAll()
      .where('channel', '=', p!.channel)
      .where('author', '=', p!.author)
      .where('seq', '>=', p!.fromSeq)
      .orderBy('seq')
      .limit(p!.limit),
);

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

/**
 * A feed's entries of some types within a range of seqs: only the rows
 * asked for leave the database (a catch-up batch of 512 entries holds a
 * checkpoint or two, and returning all of them cost 9 ms a batch).
 */
export async function feedEntriesOfTypes(
  db: Kysely<Database>,
  channel: string,
  author: string,
  fromSeq: number,
  toSeq: number,
  types: readonly string[],
): Promise<StoredEntryRow[]> {
  if (types.length === 0 || toSeq < fromSeq) return [];
  const rows = await db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', channel)
    .where('author', '=', author)
    .where('seq', '>=', fromSeq)
    .where('seq', '<=', toSeq)
    .where('type', 'in', types)
    .orderBy('seq')
    .execute();
  return rows.map(toStoredRow);
}

/**
 * A channel's entries of one type, by author and seq. Sorted here, not by the
 * database: asked for that order, SQLite walked the whole channel in it (the
 * primary key) and filtered by type, 80 ms for 100,000 entries at every
 * start; unordered, it reads the type's own index (`entries_by_type`).
 */
export async function entriesOfType(db: Kysely<Database>, channel: string, type: string): Promise<StoredEntryRow[]> {
  const rows = await db
    .selectFrom('entries')
    .selectAll()
    .where('channel', '=', channel)
    .where('type', '=', type)
    .execute();
  rows.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.seq - b.seq));
  return rows.map(toStoredRow);
}

const peerHeadRows = new Prepared((db, [p]: readonly { channel: string; peer: string }[]) =>
  db
    .selectFrom('peer_heads')
    .select(['author', 'seq'])
    .where('channel', '=', p!.channel)
    .where('peer', '=', p!.peer)
    .orderBy('author'),
);

export async function peerHeads(db: Kysely<Database>, channel: string, peer: string): Promise<Record<string, number>> {
  const rows = await peerHeadRows.execute(db, [{ channel, peer }]);
  return Object.fromEntries(rows.map((r) => [r.author, r.seq]));
}

/** The highest serial of an author's messages in a channel: an index descent (migration 0005). */
export const maxSerialRow = new Prepared((db, [p]: readonly { channel: string; author: string }[]) =>
  db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('serial').as('serial'))
    .where('channel', '=', p!.channel)
    .where('author', '=', p!.author),
);

/** The highest serial among the author's messages in the channel (0 for none). */
export async function maxSerial(db: Kysely<Database>, channel: string, author: string): Promise<number> {
  const row = await maxSerialRow.first(db, { channel, author });
  return Number(row?.serial ?? 0);
}
