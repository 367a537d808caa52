import { ParleyError } from '@parley/contract';
import type { AcceptedEntry, FeedHead, SignedEntry } from '@parley/record';
import type { StoreDialect } from './capabilities.js';
import {
  channelScan,
  entriesOfType,
  entryAt,
  entryById,
  feedEntriesOfTypes,
  feedHead,
  feedHeads,
  feedRange,
  maxSerial,
  peerHeads,
} from './entry-queries.js';
import { appendBatch, appendEntries, appendOwn, appendOwnBatch } from './feed-append.js';
import * as kept from './kept-rows.js';
import { loadNodes } from './merkle-nodes.js';
import { migrateToLatest } from './migrations/migrate.js';
import { refreshPlannerStatistics } from './planner-statistics.js';
import { rebuildProjections } from './rebuild.js';
import type {
  AlarmRow,
  Alongside,
  BatchWritten,
  BuildAfterBatch,
  BuildOwn,
  ChannelRow,
  CheckpointRow,
  ForkRow,
  KnownFeeds,
  PeerRow,
  Store,
  StoredEntryRow,
} from './store.js';

/**
 * Most entries one `scan` page holds, whatever the caller asks. Whole-record
 * reads (the startup folds, metrics, exports) go through scan, often two at
 * once; a page of 1000-2000 entries (~5 MB with its parsed parts) outlived a
 * young-generation cycle while it was processed beside another reader's, so
 * nearly every entry read was promoted to the old space and stayed there until
 * V8's next full collection: a PostgreSQL node restarted over 120,000 entries
 * idled at 150-230 MB RSS 5 s after start, now 125-140 MB. Pages this small
 * die young. Measured with bench/idle-memory.ts.
 */
export const SCAN_PAGE_MAX = 250;

/**
 * The one implementation of {@link Store}, over any Kysely dialect that
 * supplies a {@link StoreDialect}. Failures of the storage itself (read-only,
 * full, I/O) surface as PARLEY_E_IO; everything else passes through.
 */
export class KyselyStore implements Store {
  readonly #d: StoreDialect;

  constructor(dialect: StoreDialect) {
    this.#d = dialect;
  }

  /** Which capabilities the dialect has (for diagnostics and tests). */
  get capabilities(): StoreDialect['caps'] {
    return this.#d.caps;
  }

  /** The Kysely database underneath, for modules that keep their own tables beside the record (accounts). */
  get db(): StoreDialect['db'] {
    return this.#d.db;
  }

  async migrate(): Promise<void> {
    await this.#io('migrate', () => migrateToLatest(this.#d.db, this.#d.caps));
    // PostgreSQL (the dialect with schemas): missing or stale statistics make whole-record scans quadratic.
    const schema = this.#d.caps.migrationSchema;
    if (schema !== undefined) await refreshPlannerStatistics(this.#d.db, schema);
  }

  close(): Promise<void> {
    return this.#d.db.destroy();
  }

  durabilityWarnings(): Promise<string[]> {
    return this.#io('read', () => this.#d.durabilityWarnings());
  }

  putPeer(peer: PeerRow): Promise<void> {
    return this.#io('write', () => kept.putPeer(this.#d.db, peer));
  }

  getPeer(party: string): Promise<PeerRow | undefined> {
    return this.#io('read', async () => (await kept.getPeers(this.#d.db, party))[0]);
  }

  listPeers(): Promise<PeerRow[]> {
    return this.#io('read', () => kept.getPeers(this.#d.db));
  }

  putChannel(channel: ChannelRow): Promise<void> {
    return this.#io('write', () => kept.putChannel(this.#d.db, channel));
  }

  getChannel(id: string): Promise<ChannelRow | undefined> {
    return this.#io('read', async () => (await kept.getChannels(this.#d.db, id))[0]);
  }

  listChannels(): Promise<ChannelRow[]> {
    return this.#io('read', () => kept.getChannels(this.#d.db));
  }

  head(channel: string, author: string): Promise<FeedHead | undefined> {
    return this.#io('read', () => feedHead(this.#d.db, channel, author));
  }

  heads(channel: string): Promise<Record<string, FeedHead>> {
    return this.#io('read', () => feedHeads(this.#d.db, channel));
  }

  appendEntries(channel: string, author: string, entries: AcceptedEntry[], storedAt: string): Promise<void> {
    return this.#io('write', () => appendEntries(this.#d, { channel, author }, entries, storedAt));
  }

  appendBatch(
    channel: string,
    feeds: ReadonlyArray<{ author: string; entries: readonly AcceptedEntry[] }>,
    own: { author: string; build: BuildAfterBatch } | undefined,
    storedAt: string,
    known?: KnownFeeds,
  ): Promise<BatchWritten | undefined> {
    return this.#io('write', () => appendBatch(this.#d, channel, feeds, own, storedAt, known));
  }

  appendOwn(
    channel: string,
    author: string,
    build: BuildOwn,
    storedAt: string,
  ): Promise<{ id: string; entry: SignedEntry }> {
    return this.#io('write', () => appendOwn(this.#d, { channel, author }, build, storedAt));
  }

  appendOwnBatch(
    channel: string,
    author: string,
    builds: ReadonlyArray<BuildOwn>,
    storedAt: string,
    alongside?: Alongside,
    known?: KnownFeeds,
  ): Promise<Array<{ id: string; entry: SignedEntry; row: StoredEntryRow }>> {
    return this.#io('write', () => appendOwnBatch(this.#d, { channel, author }, builds, storedAt, alongside, known));
  }

  getEntry(channel: string, author: string, seq: number): Promise<StoredEntryRow | undefined> {
    return this.#io('read', () => entryAt(this.#d.db, channel, author, seq));
  }

  getEntryById(id: string): Promise<StoredEntryRow | undefined> {
    return this.#io('read', () => entryById(this.#d.db, id));
  }

  range(channel: string, author: string, fromSeq: number, limit: number): Promise<StoredEntryRow[]> {
    return this.#io('read', () => feedRange(this.#d.db, channel, author, fromSeq, limit));
  }

  scan(channel: string, after: { author: string; seq: number } | undefined, limit: number): Promise<StoredEntryRow[]> {
    return this.#io('read', () => channelScan(this.#d.db, channel, after, Math.min(limit, SCAN_PAGE_MAX)));
  }

  entriesOfType(channel: string, type: string): Promise<StoredEntryRow[]> {
    return this.#io('read', () => entriesOfType(this.#d.db, channel, type));
  }

  feedEntriesOfTypes(
    channel: string,
    author: string,
    fromSeq: number,
    toSeq: number,
    types: readonly string[],
  ): Promise<StoredEntryRow[]> {
    return this.#io('read', () => feedEntriesOfTypes(this.#d.db, channel, author, fromSeq, toSeq, types));
  }

  merkleNodes(
    channel: string,
    author: string,
    ids: ReadonlyArray<{ level: number; index: number }>,
  ): Promise<Map<string, Uint8Array>> {
    return this.#io('read', () => loadNodes(this.#d.db, channel, author, ids));
  }

  putCheckpoint(row: CheckpointRow): Promise<void> {
    return this.#io('write', () => kept.putCheckpoint(this.#d.db, row));
  }

  latestCheckpoint(channel: string, author: string): Promise<CheckpointRow | undefined> {
    return this.#io('read', async () => (await kept.getCheckpoints(this.#d.db, channel, author, true))[0]);
  }

  listCheckpoints(channel: string, author: string): Promise<CheckpointRow[]> {
    return this.#io('read', () => kept.getCheckpoints(this.#d.db, channel, author));
  }

  checkpointAt(channel: string, author: string, size: number): Promise<CheckpointRow | undefined> {
    return this.#io('read', async () => (await kept.getCheckpoints(this.#d.db, channel, author, false, size))[0]);
  }

  putFork(row: ForkRow): Promise<void> {
    return this.#io('write', () => kept.putFork(this.#d.db, row));
  }

  listForks(channel?: string): Promise<ForkRow[]> {
    return this.#io('read', () => kept.listForks(this.#d.db, channel));
  }

  maxSerial(channel: string, author: string): Promise<number> {
    return this.#io('read', () => maxSerial(this.#d.db, channel, author));
  }

  peerHeads(channel: string, peer: string): Promise<Record<string, number>> {
    return this.#io('read', () => peerHeads(this.#d.db, channel, peer));
  }

  raiseAlarm(alarm: Omit<AlarmRow, 'id' | 'clearedAt'>): Promise<number> {
    return this.#io('write', () => kept.raiseAlarm(this.#d.db, alarm));
  }

  clearAlarm(id: number, at: string): Promise<void> {
    return this.#io('write', () => kept.clearAlarm(this.#d.db, id, at));
  }

  openAlarms(): Promise<AlarmRow[]> {
    return this.#io('read', () => kept.openAlarms(this.#d.db));
  }

  rebuildProjections(): Promise<number> {
    return this.#io('write', () => rebuildProjections(this.#d));
  }

  /** Runs one operation, turning a failure of the storage itself into PARLEY_E_IO. */
  async #io<T>(op: 'read' | 'write' | 'migrate', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw storageError(this.#d, op, error);
    }
  }
}

/** PARLEY_E_IO { op, path, reason } when the dialect recognises a storage failure; the error itself otherwise. */
export function storageError(
  dialect: Pick<StoreDialect, 'location' | 'ioReason'>,
  op: string,
  error: unknown,
): unknown {
  if (error instanceof ParleyError) return error;
  const reason = dialect.ioReason(error);
  if (reason === undefined) return error;
  return new ParleyError('PARLEY_E_IO', { op, path: dialect.location, reason }, { cause: error });
}
