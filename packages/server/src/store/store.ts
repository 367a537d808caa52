import type { AcceptedEntry, FeedHead, ForkProof, SignedEntry } from '@parley/record';

/**
 * What building an own entry may read of its feed while the feed is locked
 * (so the answer cannot change before the entry is stored, whichever process
 * writes next).
 */
export interface LockedFeed {
  /** The heads of the channel's other feeds, read with the lock (what an entry built under it names). */
  readonly others: Record<string, FeedHead>;
  /**
   * The highest message `serial` the feed's author has used in the channel
   * (0 if none), counting entries built before in the same transaction.
   */
  maxSerial(): Promise<number>;
}

/**
 * Every feed's head of a channel as the writing process knows them without
 * reading (decision 0031): `author`'s (the feed written) and the others'.
 * Given to Store.appendOwnBatch or appendBatch, entries are built on them
 * before anything is read, and the feed's lock is taken by the write that
 * moves its head, which refuses the whole transaction
 * (PARLEY_E_PREV_MISMATCH, naming the feed) if a feed written no longer
 * holds the head known, or if the store holds less of a feed an own entry
 * names than `others` says (a database that crashed lost the tail of an
 * unflushed commit of a peer's entries: decision 0032).
 */
export interface KnownFeeds {
  author: string;
  head: FeedHead;
  others: Record<string, FeedHead>;
  /** The highest message serial `author` has used, if known (else read in the transaction). */
  maxSerial?: number;
}

/**
 * Writes rows beside a group of own entries, in their transaction (see
 * Store.appendOwnBatch). `db` is the transaction's Kysely database (the
 * store's tables); `written` the entries, in order.
 */
export type Alongside = (
  db: import('kysely').Kysely<import('./database.js').Database>,
  written: ReadonlyArray<{ id: string; entry: SignedEntry }>,
) => Promise<void>;

/** Builds one own entry on the feed's current head, under the feed's lock (see Store.appendOwn). */
export type BuildOwn = (
  head: FeedHead | undefined,
  feed: LockedFeed,
) => { id: string; entry: SignedEntry } | Promise<{ id: string; entry: SignedEntry }>;

/**
 * Builds one own entry (a receipt) at the end of a batch (see Store.appendBatch):
 * given the own feed's locked head and the heads of the other feeds as the
 * batch left them.
 */
export type BuildAfterBatch = (
  head: FeedHead | undefined,
  others: Record<string, FeedHead>,
) => { id: string; entry: SignedEntry };

/**
 * What Store.appendBatch wrote (undefined if nothing): each feed's rows as
 * stored, by author (the own entry's under its author), and what `own` built
 * with every feed's head as the transaction left them.
 */
export interface BatchWritten {
  rows: Record<string, StoredEntryRow[]>;
  /** Whether it was written on the KnownFeeds given (else the heads were read under the locks first). */
  onKnownHeads: boolean;
  own?: { id: string; entry: SignedEntry; heads: Record<string, FeedHead> };
}

/**
 * The node's storage port. Two implementations share one Kysely code path:
 * SQLite (default, one file per node, WAL, synchronous=FULL) and PostgreSQL
 * (PARLEY_DATABASE_URL). Every commit is flushed to disk except those holding
 * nothing but entries that came from a peer, already signed (appendEntries,
 * appendBatch without `own`; decision 0024). The feeds are the source of truth; every other table
 * is a projection that `rebuildProjections()` can recreate from them.
 *
 * All methods are atomic: each either completes in one transaction or changes
 * nothing. A failure of the storage itself (read-only, disk full, I/O) rejects
 * with ParleyError PARLEY_E_IO { op, path, reason }. Entries are stored as their exact canonical bytes (JCS of header and
 * body, as UTF-8 text) plus the signature, never re-serialised.
 */
export interface Store {
  /** Applies numbered migrations not yet applied (idempotent; safe with several processes). */
  migrate(): Promise<void>;
  /**
   * What in the database's configuration undoes the durability the store
   * relies on (PostgreSQL with fsync, synchronous_commit or full_page_writes
   * off), in words for an operator; empty when nothing does. `parley serve`
   * logs each as a warning when it starts.
   */
  durabilityWarnings(): Promise<string[]>;
  close(): Promise<void>;

  // --- peers (pinned peer cards) ---
  putPeer(peer: PeerRow): Promise<void>;
  getPeer(party: string): Promise<PeerRow | undefined>;
  listPeers(): Promise<PeerRow[]>;

  // --- channels ---
  /** Inserts or replaces a channel (state moves proposed → active as signatures arrive). */
  putChannel(channel: ChannelRow): Promise<void>;
  getChannel(id: string): Promise<ChannelRow | undefined>;
  listChannels(): Promise<ChannelRow[]>;

  // --- feeds ---
  /** Newest entry of a feed, or undefined when the feed is empty. */
  head(channel: string, author: string): Promise<FeedHead | undefined>;
  /** Heads of every feed of a channel held here (author → head). */
  heads(channel: string): Promise<Record<string, FeedHead>>;
  /**
   * Appends verified entries of ONE feed (ascending, contiguous, starting at
   * head + 1) with their Merkle nodes, projections and `peerHeads` updates,
   * in one transaction. Throws ParleyError PARLEY_E_GAP (details.head = the
   * stored head) if, inside the transaction, the feed's head is not
   * entries[0].seq - 1 — that is how concurrent writers are serialised.
   * So an idempotent resend (AcceptedEntry.duplicate) is the caller's to drop
   * before calling. Also PARLEY_E_PREV_MISMATCH if entries[0] does not chain
   * onto the stored head, PARLEY_E_UNKNOWN_CHANNEL unless the channel was put
   * first, PARLEY_E_BODY_MISSING for an entry without its body.
   * Other members' entries: committed without waiting for the disk
   * (docs/decisions/0024-peer-entries-commit-unflushed.md).
   */
  appendEntries(channel: string, author: string, entries: AcceptedEntry[], storedAt: string): Promise<void>;
  /**
   * A peer's batch and our answer in one transaction (one commit): the
   * verified entries of each feed in `feeds`, each as appendEntries (same
   * checks, same errors), then, when `own` is given, one own entry built on
   * the own feed's head under its lock, seeing the other feeds' heads as the
   * batch left them. Returns the rows written, by feed, and what `own` built,
   * with every feed's head as the transaction left them (read under the
   * locks, so a push can be answered without reading them again). All or
   * nothing. Without `own` the transaction holds only other members'
   * entries and is committed without waiting for the disk; with it, flushed
   * (docs/decisions/0024-peer-entries-commit-unflushed.md). With `known`
   * (`own`'s author's, when `own` is given), the heads are not read: see
   * KnownFeeds; it is used only if it names every feed written.
   */
  appendBatch(
    channel: string,
    feeds: ReadonlyArray<{ author: string; entries: readonly AcceptedEntry[] }>,
    own: { author: string; build: BuildAfterBatch } | undefined,
    storedAt: string,
    known?: KnownFeeds,
  ): Promise<BatchWritten | undefined>;
  /**
   * Appends one entry the caller builds from the current head, under a lock
   * that serialises every writer of this feed, also across processes
   * (PostgreSQL: SELECT … FOR UPDATE on the feed row; SQLite: BEGIN IMMEDIATE).
   * `build` may throw to abort; nothing is written then. What it returns must
   * continue the head it was given (else PARLEY_E_GAP / PARLEY_E_PREV_MISMATCH).
   * It may be async and read the locked feed (LockedFeed, e.g. the next serial).
   */
  appendOwn(
    channel: string,
    author: string,
    build: BuildOwn,
    storedAt: string,
  ): Promise<{ id: string; entry: SignedEntry }>;
  /**
   * Group commit: appends several own entries in one transaction (one fsync),
   * each `build` seeing the head the previous one made. All or nothing.
   * `alongside`, if given, runs in the same transaction after the entries
   * are appended (rows that must commit with them, e.g. audit rows:
   * docs/decisions/0017); if it throws, nothing is written. Each entry comes
   * back with its row as stored (handed to the link and the consoles, which
   * need not read it back: docs/decisions/0023). With `known`, the builds
   * see its heads and nothing is read first (see KnownFeeds).
   */
  appendOwnBatch(
    channel: string,
    author: string,
    builds: ReadonlyArray<BuildOwn>,
    storedAt: string,
    alongside?: Alongside,
    known?: KnownFeeds,
  ): Promise<Array<{ id: string; entry: SignedEntry; row: StoredEntryRow }>>;
  getEntry(channel: string, author: string, seq: number): Promise<StoredEntryRow | undefined>;
  getEntryById(id: string): Promise<StoredEntryRow | undefined>;
  /** Entries of one feed with seq ≥ fromSeq, ascending, at most `limit`. */
  range(channel: string, author: string, fromSeq: number, limit: number): Promise<StoredEntryRow[]>;
  /**
   * Every entry of a channel in store order (author, seq), paged: the entries
   * after `after`, at most `limit` and at most SCAN_PAGE_MAX (250) of them. A
   * page may thus be shorter than `limit` before the end: read on from its
   * last entry until a page comes back empty.
   */
  scan(channel: string, after: { author: string; seq: number } | undefined, limit: number): Promise<StoredEntryRow[]>;
  /** Every entry of one type in a channel (e.g. `key-rotate`), ordered by (author, seq). */
  entriesOfType(channel: string, type: string): Promise<StoredEntryRow[]>;
  /** The entries of one feed from `fromSeq` to `toSeq` whose type is one of `types`, ascending. */
  feedEntriesOfTypes(
    channel: string,
    author: string,
    fromSeq: number,
    toSeq: number,
    types: readonly string[],
  ): Promise<StoredEntryRow[]>;

  // --- Merkle trees (one per feed) ---
  /**
   * Perfect-subtree node hashes by (level, index), for proofs; missing nodes
   * are absent from the map. Keys are `"level/index"` (merkleNodeKey). A feed's
   * tree size is its head seq: every entry is one leaf.
   */
  merkleNodes(
    channel: string,
    author: string,
    ids: ReadonlyArray<{ level: number; index: number }>,
  ): Promise<Map<string, Uint8Array>>;

  // --- checkpoints and cosignatures ---
  /**
   * Stores a checkpoint note (or replaces it with a version carrying more
   * cosignatures: the caller merges them). Another root at a stored size throws
   * PARLEY_E_EQUIVOCATION and keeps the first.
   */
  putCheckpoint(row: CheckpointRow): Promise<void>;
  latestCheckpoint(channel: string, author: string): Promise<CheckpointRow | undefined>;
  listCheckpoints(channel: string, author: string): Promise<CheckpointRow[]>;
  /** The kept checkpoint of `author`'s feed at `size`, if any. */
  checkpointAt(channel: string, author: string, size: number): Promise<CheckpointRow | undefined>;

  // --- evidence of misbehaviour ---
  /** Idempotent: one row per distinct pair of conflicting entries. */
  putFork(row: ForkRow): Promise<void>;
  listForks(channel?: string): Promise<ForkRow[]>;

  /** The highest message serial `author` used in `channel` (0 if none): serials are per channel and sender. */
  maxSerial(channel: string, author: string): Promise<number>;

  // --- delivery state (a projection of the peers' own signed heads) ---
  /** What `peer` is known to hold of each feed of a channel (author → seq). */
  peerHeads(channel: string, peer: string): Promise<Record<string, number>>;

  // --- alarms ---
  raiseAlarm(alarm: Omit<AlarmRow, 'id' | 'clearedAt'>): Promise<number>;
  clearAlarm(id: number, at: string): Promise<void>;
  openAlarms(): Promise<AlarmRow[]>;

  /** Truncates every projection and replays all stored entries into them. Returns the entries replayed. */
  rebuildProjections(): Promise<number>;
}

export interface PeerRow {
  party: string;
  /** The signed peer card as canonical JSON text. */
  card: string;
  /** SHA-256 fingerprint of the peer's TLS certificate (DER), lowercase hex. */
  fingerprint: string;
  addedAt: string;
}

export interface ChannelRow {
  id: string;
  /** Canonical JSON of the charter. */
  charter: string;
  /** JSON array of { party, sig }. */
  signatures: string;
  state: 'proposed' | 'active';
  createdAt: string;
}

export interface StoredEntryRow {
  channel: string;
  author: string;
  seq: number;
  id: string;
  type: string;
  time: string;
  /** Canonical JSON text of the header, exactly the bytes whose hash is the id. */
  header: string;
  sig: string;
  /** Canonical JSON text of the body. */
  body: string;
  storedAt: string;
  /** JSON array of flags raised when it was accepted (e.g. future time), or '[]'. */
  flags: string;
}

export interface CheckpointRow {
  channel: string;
  author: string;
  size: number;
  /** Root hash, base64 (as in the note). */
  root: string;
  /** The C2SP note text with every signature and cosignature line collected so far. */
  note: string;
  createdAt: string;
}

export interface ForkRow {
  channel: string;
  author: string;
  seq: number;
  proof: ForkProof;
  detectedAt: string;
  /** Which peer sent the conflicting entry, if any. */
  from: string | null;
}

export interface AlarmRow {
  id: number;
  kind: string;
  channel: string | null;
  message: string;
  /** JSON object with details. */
  details: string;
  raisedAt: string;
  clearedAt: string | null;
}
