import { limits, ParleyError } from '@parley/contract';
import {
  type AcceptedEntry,
  type FeedHead,
  fromBase64url,
  type SignedEntry,
  sha256,
  toBase64url,
} from '@parley/record';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Capabilities, StoreDialect } from './capabilities.js';
import type { Database, EntriesTable, FeedsTable } from './database.js';
import { deferred } from './dialects/deferred-writes.js';
import { feedHeads, feedRow, maxSerial } from './entry-queries.js';
import { chunks, type EntryToStore, fromAccepted, fromSigned, toInsert, toStoredRow } from './entry-rows.js';
import { insertNodes, keepFrontier, loadTree } from './merkle-nodes.js';
import { GROUP_ROWS, Prepared } from './prepared.js';
import { project } from './projections.js';
import type {
  Alongside,
  BatchWritten,
  BuildAfterBatch,
  BuildOwn,
  KnownFeeds,
  LockedFeed,
  StoredEntryRow,
} from './store.js';
import { writeTransaction } from './write-transaction.js';

type FeedRow = Selectable<FeedsTable>;

/**
 * See Store.appendEntries: the head check happens under the feed's lock, so
 * racing writers get PARLEY_E_GAP. Other members' entries: an unflushed commit
 * (see Durability).
 */
export async function appendEntries(
  dialect: StoreDialect,
  feed: { channel: string; author: string },
  entries: readonly AcceptedEntry[],
  storedAt: string,
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(fromAccepted);
  await writeTransaction(
    dialect,
    async (trx) => {
      const row = await lockFeed(trx, dialect.caps, feed.channel, feed.author);
      checkPlace(feed, row, rows);
      await appendLocked(trx, row, rows, storedAt);
    },
    'unflushed',
  );
}

/**
 * See Store.appendBatch: peers' verified entries of several feeds and then,
 * optionally, one own entry (a receipt) built on the own feed's locked head
 * and the heads the batch left: one transaction, one commit. Feeds are locked
 * in the order given, the own feed last, so racing writers queue rather than
 * deadlock.
 */
export async function appendBatch(
  dialect: StoreDialect,
  channel: string,
  feeds: ReadonlyArray<{ author: string; entries: readonly AcceptedEntry[] }>,
  own: { author: string; build: BuildAfterBatch } | undefined,
  storedAt: string,
  known?: KnownFeeds,
): Promise<BatchWritten | undefined> {
  const prepared = feeds
    .filter((f) => f.entries.length > 0)
    .map((f) => ({ feed: { channel, author: f.author }, rows: f.entries.map(fromAccepted) }));
  if (prepared.length === 0 && !own) return undefined;
  // Only entries signed elsewhere: the commit need not wait for the disk (see Durability).
  const durability = own ? 'flushed' : 'unflushed';
  // Written on the heads the caller knows (decision 0031) only when it knows every feed written:
  // a feed's first entry makes its row, and our own feed coming back (a restore) is rare.
  const unlocked =
    known &&
    (!own || own.author === known.author) &&
    prepared.every(({ feed }) => feed.author !== known.author && known.others[feed.author] !== undefined)
      ? known
      : undefined;
  const write = () =>
    writeTransaction(
      dialect,
      async (trx) => {
        const stored: Record<string, StoredEntryRow[]> = {};
        const left: Record<string, FeedHead> = { ...unlocked?.others };
        for (const { feed, rows } of prepared) {
          const row = unlocked
            ? rowAt(feed, unlocked.others[feed.author]!)
            : await lockFeed(trx, dialect.caps, channel, feed.author);
          checkPlace(feed, row, rows);
          stored[feed.author] = await appendLocked(trx, row, rows, storedAt, unlocked !== undefined);
          const last = rows[rows.length - 1]!;
          left[feed.author] = { seq: last.header.seq, id: last.id, time: last.header.time };
        }
        if (!own) return { rows: stored, onKnownHeads: unlocked !== undefined };
        const feed = { channel, author: own.author };
        const { row, others: heads } = unlocked
          ? { row: rowAt(feed, unlocked.head), others: sortedHeads(left) }
          : await lockFeedWithOthers(trx, dialect.caps, channel, own.author);
        const built = own.build(headOf(row), heads);
        const entry = fromSigned(built.id, built.entry);
        if (toBase64url(sha256(new TextEncoder().encode(entry.headerText))) !== built.id) {
          throw new ParleyError('PARLEY_E_HEADER', { reason: 'the id built is not the hash of the header built' });
        }
        checkPlace(feed, row, [entry]);
        stored[own.author] = await appendLocked(trx, row, [entry], storedAt, unlocked !== undefined, heads);
        const { seq, time } = built.entry.header;
        return {
          rows: stored,
          onKnownHeads: unlocked !== undefined,
          own: { ...built, heads: { ...heads, [own.author]: { seq, id: built.id, time } } },
        };
      },
      durability,
    );
  if (!unlocked) return write();
  return write().catch(async (error: unknown) => {
    if (!headMoved(error)) throw error;
    const written = [...prepared.map(({ feed }) => feed.author), ...(own ? [own.author] : [])];
    throw await movedOnKnownHeads(dialect, channel, unlocked, written, error);
  });
}

/** See Store.appendOwn: `build` runs while the feed is locked, so it always sees the true head. */
export async function appendOwn(
  dialect: StoreDialect,
  feed: { channel: string; author: string },
  build: BuildOwn,
  storedAt: string,
): Promise<{ id: string; entry: SignedEntry }> {
  return writeTransaction(dialect, async (trx) => {
    const { row, others } = await lockFeedWithOthers(trx, dialect.caps, feed.channel, feed.author);
    const built = await build(headOf(row), lockedFeed(trx, feed, others).feed);
    const entry = fromSigned(built.id, built.entry);
    if (toBase64url(sha256(new TextEncoder().encode(entry.headerText))) !== built.id) {
      throw new ParleyError('PARLEY_E_HEADER', { reason: 'the id built is not the hash of the header built' });
    }
    checkPlace(feed, row, [entry]);
    await appendLocked(trx, row, [entry], storedAt);
    return built;
  });
}

/**
 * See Store.appendOwnBatch: several own entries in one transaction (group
 * commit: one fsync for all). Each `build` sees the head the previous one made.
 */
export async function appendOwnBatch(
  dialect: StoreDialect,
  feed: { channel: string; author: string },
  builds: ReadonlyArray<BuildOwn>,
  storedAt: string,
  alongside?: Alongside,
  known?: KnownFeeds,
): Promise<Array<{ id: string; entry: SignedEntry; row: StoredEntryRow }>> {
  const unlocked = known?.author === feed.author ? known : undefined;
  const written = writeTransaction(dialect, async (trx) => {
    const { row, others } = unlocked
      ? { row: rowAt(feed, unlocked.head), others: unlocked.others }
      : await lockFeedWithOthers(trx, dialect.caps, feed.channel, feed.author);
    let head = headOf(row);
    const locked = lockedFeed(trx, feed, others, unlocked?.maxSerial);
    const built: Array<{ id: string; entry: SignedEntry }> = [];
    for (const build of builds) {
      const b = await build(head, locked.feed);
      locked.built(b.entry);
      head = { seq: b.entry.header.seq, id: b.id, time: b.entry.header.time };
      built.push(b);
    }
    const entries = built.map((b) => fromSigned(b.id, b.entry));
    for (const [i, entry] of entries.entries()) {
      if (toBase64url(sha256(new TextEncoder().encode(entry.headerText))) !== built[i]!.id) {
        throw new ParleyError('PARLEY_E_HEADER', { reason: 'the id built is not the hash of the header built' });
      }
    }
    checkPlace(feed, row, entries);
    const rows = await appendLocked(trx, row, entries, storedAt, unlocked !== undefined, others);
    if (alongside) await alongside(trx, built);
    return built.map((b, i) => ({ ...b, row: rows[i]! }));
  });
  if (!unlocked) return written;
  return written.catch(async (error: unknown) => {
    if (!headMoved(error)) throw error;
    throw await movedOnKnownHeads(dialect, feed.channel, unlocked, [feed.author], error);
  });
}

/**
 * The LockedFeed given to `build`, for one transaction that holds the feed's
 * lock. Every message of the feed's author is appended under that lock, so
 * the highest serial read here stays the highest until the transaction ends;
 * `built` counts what earlier builds of the same transaction used.
 */
function lockedFeed(
  trx: Kysely<Database>,
  feed: { channel: string; author: string },
  others: Record<string, FeedHead>,
  knownSerial?: number,
) {
  let stored: Promise<number> | undefined = knownSerial === undefined ? undefined : Promise.resolve(knownSerial);
  let builtMax = 0;
  return {
    feed: {
      others,
      async maxSerial() {
        stored ??= maxSerial(trx, feed.channel, feed.author);
        return Math.max(await stored, builtMax);
      },
    } satisfies LockedFeed,
    built(entry: SignedEntry): void {
      const serial = (entry.body as { serial?: unknown } | undefined)?.serial;
      if (entry.header.type === 'message' && typeof serial === 'number') builtMax = Math.max(builtMax, serial);
    },
  };
}

/**
 * The row a feed has at `head`, as the caller knows it (decision 0031): what
 * the lock-first path would have read, if nothing moved. A feed's tree holds
 * one leaf per entry, so its size is the head's seq.
 */
function rowAt(feed: { channel: string; author: string }, head: FeedHead): FeedRow {
  return {
    channel: feed.channel,
    author: feed.author,
    seq: head.seq,
    id: head.id,
    time: head.time,
    tree_size: head.seq,
  };
}

function sortedHeads(heads: Record<string, FeedHead>): Record<string, FeedHead> {
  return Object.fromEntries(Object.entries(heads).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Whether a write failed because a feed written on a known head had moved:
 * advanceFeedFrom sets the head's seq to null, which the column refuses, when
 * the row no longer holds the head the entries continue.
 */
function headMoved(error: unknown): boolean {
  const e = error as { code?: unknown; table?: unknown; column?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === '23502') return e.table === 'feeds' && e.column === 'seq';
  return e.code === 'SQLITE_CONSTRAINT_NOTNULL' && e.message === 'NOT NULL constraint failed: feeds.seq';
}

/**
 * A write on known heads was refused (headMoved): which feed's head was not
 * as known, read once, on this rare path, so that the error names it. A feed
 * written (ours, or a peer's in a batch) moved past the head its entries
 * continue; else a feed our entry names is behind the head named (the
 * database lost an unflushed tail). Nothing was written.
 */
async function movedOnKnownHeads(
  dialect: StoreDialect,
  channel: string,
  known: KnownFeeds,
  written: readonly string[],
  cause: unknown,
): Promise<ParleyError> {
  const stored = await feedHeads(dialect.db, channel);
  const heads: Record<string, FeedHead> = { ...known.others, [known.author]: known.head };
  const moved = written.find((a) => stored[a]?.seq !== heads[a]?.seq || stored[a]?.id !== heads[a]?.id);
  const behind = Object.keys(known.others).find((a) => (stored[a]?.seq ?? 0) < known.others[a]!.seq);
  const author = moved ?? behind ?? known.author;
  const head = heads[author]!;
  // `held`: how far the store holds a feed named further (the node forgets its heads and retries either way).
  const held = moved === undefined && behind !== undefined ? { held: stored[behind]?.seq ?? 0 } : {};
  return new ParleyError(
    'PARLEY_E_PREV_MISMATCH',
    { author, seq: head.seq + 1, prevSeq: head.seq, ...held },
    { cause },
  );
}

/**
 * Whether a write on known heads (KnownFeeds) was refused because a feed had
 * moved past the head known: another process wrote it. (A PARLEY_E_PREV_MISMATCH
 * or PARLEY_E_GAP of checkPlace is the caller's own entries not continuing
 * the head they were given.)
 */
export function refusedOnKnownHeads(error: unknown): boolean {
  return error instanceof ParleyError && error.code === 'PARLEY_E_PREV_MISMATCH' && headMoved(error.cause);
}

export function headOf(row: FeedRow | undefined): FeedHead | undefined {
  if (!row || row.seq === 0 || row.id === null || row.time === null) return undefined;
  return { seq: row.seq, id: row.id, time: row.time };
}

/**
 * Returns the feed row locked for this transaction, creating it (seq 0) on
 * the feed's first entry. PostgreSQL: SELECT … FOR UPDATE; SQLite: the
 * transaction already holds the database's write lock.
 */
async function lockFeed(trx: Kysely<Database>, caps: Capabilities, channel: string, author: string): Promise<FeedRow> {
  const select = () => (caps.lockFeedRow === 'for-update' ? feedRowForUpdate : feedRow).first(trx, { channel, author });
  const row = await select();
  if (row) return row;
  const known = await trx.selectFrom('channels').select('id').where('id', '=', channel).executeTakeFirst();
  if (!known) throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel });
  await trx
    .insertInto('feeds')
    .values({ channel, author, seq: 0, id: null, time: null, tree_size: 0 })
    .onConflict((oc) => oc.columns(['channel', 'author']).doNothing())
    .execute();
  return (await select())!;
}

/**
 * lockFeed, and in the same statement the heads of the channel's other feeds
 * (what an entry built under the lock names): on PostgreSQL one round trip
 * where there were two (decision 0030). Their rows include the transaction's
 * own writes (a batch stored just before its receipt). On PostgreSQL they are
 * those of the statement's snapshot, taken before any wait for the lock, so
 * the statement also reads our own row unlocked: if the locked row differs
 * from it, another transaction held the lock and wrote meanwhile, and the
 * other heads are read again after it, as a statement of their own would.
 */
async function lockFeedWithOthers(
  trx: Kysely<Database>,
  caps: Capabilities,
  channel: string,
  author: string,
): Promise<{ row: FeedRow; others: Record<string, FeedHead> }> {
  let row: FeedRow | undefined;
  let rows: FeedRow[];
  let fresh = true;
  if (caps.lockFeedRow === 'for-update') {
    const read = await feedAndOthersForUpdate.execute(trx, [{ channel, author }]);
    row = read.find((r) => r.held === 1);
    const before = read.find((r) => r.held === 0 && r.author === author);
    fresh = row !== undefined && before !== undefined && before.seq === row.seq && before.id === row.id;
    rows = read.filter((r) => r.held === 0);
  } else {
    rows = await feedAndOthers.execute(trx, [{ channel }]);
    row = rows.find((r) => r.author === author);
  }
  // The feed's first entry: its row is made (and locked) as lockFeed does.
  row ??= await lockFeed(trx, caps, channel, author);
  if (!fresh) rows = await feedAndOthers.execute(trx, [{ channel }]);
  const others: Record<string, FeedHead> = {};
  for (const r of rows.filter((r) => r.author !== author).sort((a, b) => (a.author < b.author ? -1 : 1))) {
    const head = headOf(r);
    if (head) others[r.author] = head;
  }
  return { row, others };
}

/** The entries must continue the locked head exactly: same feed, seq head+1…, prev chained. */
function checkPlace(feed: { channel: string; author: string }, row: FeedRow, entries: readonly EntryToStore[]): void {
  let [seq, prev] = [row.seq, row.id];
  for (const { id, header } of entries) {
    if (header.channel !== feed.channel) {
      throw new ParleyError('PARLEY_E_WRONG_CHANNEL', { got: header.channel, expected: feed.channel });
    }
    if (header.author !== feed.author) {
      throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: header.author, channel: feed.channel });
    }
    if (header.seq !== seq + 1) {
      throw new ParleyError('PARLEY_E_GAP', { author: feed.author, expected: seq + 1, got: header.seq, head: row.seq });
    }
    if (header.prev !== prev) {
      throw new ParleyError('PARLEY_E_PREV_MISMATCH', { author: feed.author, seq: header.seq, prevSeq: seq });
    }
    [seq, prev] = [header.seq, id];
  }
}

/**
 * Entries, their Merkle nodes, the new head and the projections: all in the
 * caller's transaction. Returns the entries' rows as written (what reading
 * them back would give once the transaction commits).
 */
async function appendLocked(
  trx: Kysely<Database>,
  row: FeedRow,
  entries: readonly EntryToStore[],
  storedAt: string,
  unlocked = false,
  named: Readonly<Record<string, FeedHead>> = {},
): Promise<StoredEntryRow[]> {
  const { channel, author } = row;
  const inserted = entries.map((e) => toInsert(e, storedAt));
  const last = entries[entries.length - 1]!;
  if (unlocked) {
    // Not locked yet (decision 0031): the head is moved first, which takes the row's lock as the
    // lock-first path does (so writers still queue in the same order) and refuses, whole, if the
    // row no longer holds the head the entries continue. Only then is the tree read (if it was
    // not kept), so a known head the store does not hold fails here, not on a missing node.
    // Our own entries name the other feeds' heads as known: the same statement checks that the
    // store holds each of them (a database that crashed may have lost the tail of an unflushed
    // commit of a peer's entries while this process ran on remembering them).
    const held = Object.entries(named)
      .filter(([other]) => other !== author)
      .map(([other, head]) => ({ author: other, seq: head.seq }));
    await advanceFeedFrom.execute(trx, [
      {
        channel,
        author,
        fromSeq: row.seq,
        fromId: row.id!,
        seq: last.header.seq,
        id: last.id,
        time: last.header.time,
        // One leaf per entry: the tree's size is the head's seq.
        treeSize: last.header.seq,
      },
      ...held,
    ]);
    for (const batch of chunks(inserted)) await insertEntries.execute(trx, batch);
    const tree = await loadTree(trx, channel, author, row.tree_size, row.id);
    await insertNodes(
      trx,
      channel,
      author,
      entries.flatMap((e) => tree.append(fromBase64url(e.id, 'id', 32))),
    );
    keepFrontier(last.id, tree);
  } else {
    for (const batch of chunks(inserted)) await insertEntries.execute(trx, batch);
    const tree = await loadTree(trx, channel, author, row.tree_size, row.id);
    const nodes = entries.flatMap((e) => tree.append(fromBase64url(e.id, 'id', 32)));
    await insertNodes(trx, channel, author, nodes);
    keepFrontier(last.id, tree);
    await advanceFeed.execute(trx, [
      { channel, author, seq: last.header.seq, id: last.id, time: last.header.time, treeSize: tree.size },
    ]);
  }
  await project(trx, entries);
  return inserted.map(toStoredRow);
}

const feedRowForUpdate = new Prepared((db, [p]: readonly { channel: string; author: string }[]) =>
  db.selectFrom('feeds').selectAll().where('channel', '=', p!.channel).where('author', '=', p!.author).forUpdate(),
);

/**
 * The feed's row locked (FOR UPDATE in a CTE; `held` 1) and every feed row of
 * the channel as the statement's snapshot has them (`held` 0; see
 * lockFeedWithOthers).
 */
const feedAndOthersForUpdate = new Prepared((db, [p]: readonly { channel: string; author: string }[]) =>
  db
    .with('locked', (w) =>
      w.selectFrom('feeds').selectAll().where('channel', '=', p!.channel).where('author', '=', p!.author).forUpdate(),
    )
    .selectFrom('locked')
    .selectAll()
    .select(sql<number>`1`.as('held'))
    .unionAll(db.selectFrom('feeds').selectAll().select(sql<number>`0`.as('held')).where('channel', '=', p!.channel)),
);

/**
 * Every feed row of the channel. On SQLite, where the transaction holds the
 * database's write lock already, the locked row and the others' in one read.
 */
const feedAndOthers = new Prepared((db, [p]: readonly { channel: string }[]) =>
  db.selectFrom('feeds').selectAll().where('channel', '=', p!.channel),
);

/**
 * advanceFeed from a head known but not read under the lock (decision 0031):
 * the new seq only if the row still holds `fromSeq` and `fromId`, else null,
 * which the column refuses (headMoved), failing the transaction. Rows after
 * the first name other feeds of the channel (an own entry's heads): the seq
 * is set only if the store holds each of them at least that far, by seq (an
 * entry's id at that seq is not compared: a feed's seq is only ever taken
 * once, forks being refused). A read, no lock taken: a head held stays
 * held. A channel has at most limits.members members, so every shape is
 * templated, and the condition's ORs stay far below SQLite's depth limit.
 */
const advanceFeedFrom = new Prepared((db, rows: readonly (AdvanceFrom | HeldHead)[]) => {
  const [p, ...named] = rows as [AdvanceFrom, ...HeldHead[]];
  const held =
    named.length === 0
      ? sql``
      : sql` and (select count(*) from feeds as o where o.channel = ${p.channel} and (${sql.join(
          named.map((n) => sql`(o.author = ${n.author} and o.seq >= ${n.seq})`),
          sql` or `,
        )})) = ${named.length}`;
  return deferred(
    db
      .updateTable('feeds')
      .set({
        seq: sql<number>`case when ${sql.ref('seq')} = ${p.fromSeq} and ${sql.ref('id')} = ${p.fromId}${held} then cast(${p.seq} as integer) end`,
        id: p.id,
        time: p.time,
        tree_size: p.treeSize,
      })
      .where('channel', '=', p.channel)
      .where('author', '=', p.author),
  );
}, limits.members);

interface AdvanceFrom {
  channel: string;
  author: string;
  fromSeq: number;
  fromId: string;
  seq: number;
  id: string;
  time: string;
  treeSize: number;
}

/** An other feed's head an own entry names: held if the store's head of `author` is at `seq` or beyond. */
interface HeldHead {
  author: string;
  seq: number;
}

/** Every column of each row is named: a slot row has no keys of its own to enumerate. */
const insertEntries = new Prepared(
  (db, rows: readonly EntriesTable[]) =>
    deferred(
      db.insertInto('entries').values(
        rows.map((r) => ({
          channel: r.channel,
          author: r.author,
          seq: r.seq,
          id: r.id,
          type: r.type,
          time: r.time,
          header: r.header,
          sig: r.sig,
          body: r.body,
          stored_at: r.stored_at,
          flags: r.flags,
        })),
      ),
    ),
  GROUP_ROWS,
);

const advanceFeed = new Prepared(
  (db, [p]: readonly { channel: string; author: string; seq: number; id: string; time: string; treeSize: number }[]) =>
    deferred(
      db
        .updateTable('feeds')
        .set({ seq: p!.seq, id: p!.id, time: p!.time, tree_size: p!.treeSize })
        .where('channel', '=', p!.channel)
        .where('author', '=', p!.author),
    ),
);
