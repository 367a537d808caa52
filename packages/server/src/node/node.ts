import { isParleyError, ParleyError, validateBody } from '@parley/contract';
import {
  type AcceptedEntry,
  type FeedHead,
  type JsonValue,
  type SignedEntry,
  type Signer,
  signEntry,
  signRotation,
  toBase64url,
} from '@parley/record';
import { type Clock, stamp } from '../clock/clock.js';
import { refusedOnKnownHeads } from '../store/feed-append.js';
import type { Alongside, KnownFeeds, LockedFeed, Store, StoredEntryRow } from '../store/store.js';
import { type ChannelState, loadChannelState } from './channel-state.js';
import { type AppendedEvent, NodeEventBus } from './events.js';
import { EarlyChecks, type IngestResult, verifyBatch } from './ingest.js';
import { KnownHeads } from './known-heads.js';

export interface NodeDeps {
  party: string;
  signer: Signer;
  /**
   * Other keys this party holds: earlier identity keys, and a new key of a
   * rotation that was interrupted. Each channel's own feed is signed by the
   * key its key history puts in force, so these sign channels not yet rotated.
   */
  otherSigners?: readonly Signer[];
  store: Store;
  clock: Clock;
  /**
   * How long a member's claim that this party's own feed is further on than
   * it holds stops this node signing in the channel while the node's own
   * head does not move, if the member does not back it (default 60 s;
   * `parley serve` uses the larger of that and five heartbeats; decision 0027).
   */
  claimGraceMs?: number;
}

/**
 * How much of this party's own feed one member's entries name: the furthest
 * seq, and, once it kept the node from signing, since when (a monotonic
 * time) and at which own head — progress restarts the grace.
 */
interface Claim {
  seq: number;
  behindSince?: number;
  heldThen?: number;
}

/** Most own entries one transaction commits together. */
const GROUP_COMMIT_MAX = 256;

/** A channel's pushes checked as they arrive at most at once: the two a sender keeps in flight (decision 0037). */
const EARLY_PUSHES = 2;
/** The node's pushes checked as they arrive at most at once, whatever their channels. */
const EARLY_PUSHES_NODE = 4;

/** What the store says when a batch does not continue the feed's head as locked: a remembered head was stale. */
const STALE_HEAD = new Set(['PARLEY_E_GAP', 'PARLEY_E_PREV_MISMATCH']);
/** After a feed moved under this process, this many own writes lock and read first (decision 0031). */
const LOCK_FIRST_WRITES = 64;

/** An own entry's hinted head is behind a member's claim: written again on the head read under the lock (#refuseIfBehind). */
class ClaimBeyondHint extends Error {
  constructor() {
    super('a member names more of our feed than the head this process knows');
    this.name = 'ClaimBeyondHint';
  }
}

interface Pending {
  own: OwnEntry;
  resolve: (written: { id: string; entry: SignedEntry }) => void;
  reject: (error: unknown) => void;
}

/** What the node itself writes: type, body and what it is about. */
export interface OwnEntry {
  type: string;
  body: JsonValue;
  refs?: string[];
  /**
   * A message numbered by the node: its body's `serial` is set, while the
   * feed is locked, to one more than the highest this party used in the
   * channel, so serials stay unique however many appends (or processes over
   * one database) race. The body is given without it.
   */
  assignSerial?: boolean;
  /**
   * Rows to write in the same transaction as this entry (its audit row:
   * docs/decisions/0017), given the entry as written. If it throws, the
   * whole group of appends it was committed with fails and nothing is written.
   */
  alongside?: (db: Parameters<Alongside>[0], written: { id: string; entry: SignedEntry }) => Promise<void>;
  /**
   * For a `key-rotate` entry: the new key. The body ({newKey, proof}) is made
   * while the feed is locked, since the proof names the entry's seq; entries
   * after it are signed by the new key.
   */
  rotateTo?: Signer;
}

/**
 * What taking a batch in gives: the result, the receipt that answers it (if
 * any) and, when that receipt was written with the batch, every feed's head
 * as that transaction left them.
 */
export type IngestAnswer = IngestResult & { receipt?: SignedEntry; heads?: Record<string, FeedHead> };

/**
 * One party's node: writes its own feed, takes in peers' entries, answers
 * them with receipts. The link and the console drive it; it knows neither.
 */
export class ParleyNode {
  readonly party: string;
  readonly store: Store;
  readonly clock: Clock;
  readonly events = new NodeEventBus();
  #signer: Signer;
  /** Every key this party holds, by public key (base64url). */
  readonly #signers = new Map<string, Signer>();
  readonly #channels = new Map<string, Promise<ChannelState>>();
  readonly #queues = new Map<string, Pending[]>();
  readonly #draining = new Set<string>();
  /** Per channel, the batch being taken in (the next waits for it). */
  readonly #ingesting = new Map<string, Promise<void>>();
  /**
   * Per channel and in all, the pushes whose checks started as they arrived, not yet taken in or
   * not yet verified (decision 0037).
   */
  readonly #checkedEarly = new Map<string, number>();
  #checkingEarly = 0;
  /** Feed heads this process committed or read: a peer's batch is verified without reading them (decision 0030). */
  readonly #known = new KnownHeads();
  /** Channel → how many more own writes read the heads under the lock first (see #movedUnder). */
  readonly #lockFirst = new Map<string, number>();
  /** Channel → the last own-feed write of this process, settled when it is done (see #writingOwn). */
  readonly #ownWrites = new Map<string, Promise<void>>();
  /**
   * Per channel, the furthest seq of this party's own feed that another
   * member's verified entry names, by whom, and since when it kept this node
   * from signing (decision 0027).
   */
  readonly #claims = new Map<string, Map<string, Claim>>();
  /** `channel/member` whose claim went unbacked for the grace: not believed again while this node runs. */
  readonly #unbacked = new Set<string>();
  readonly #claimGraceMs: number;
  /** While set, every write of our own feed waits for it (see holdSigningUntil). */
  #signingHeld: Promise<ParleyError | undefined> | undefined;
  #settleSigning: ((refused: ParleyError | undefined) => void) | undefined;

  constructor(deps: NodeDeps) {
    this.party = deps.party;
    this.store = deps.store;
    this.clock = deps.clock;
    this.#claimGraceMs = deps.claimGraceMs ?? 60_000;
    this.#signer = deps.signer;
    for (const signer of [deps.signer, ...(deps.otherSigners ?? [])]) this.#signers.set(keyOf(signer), signer);
  }

  /** The identity key in force: signs cards and charters, and the feeds of rotated channels. */
  get signer(): Signer {
    return this.#signer;
  }

  /**
   * Makes `signer` this party's identity key (after its key-rotate entries are
   * written, see rotateKey); earlier keys are kept for what they still sign.
   */
  useSigner(signer: Signer): void {
    this.#signers.set(keyOf(signer), signer);
    this.#signer = signer;
  }

  /** Adds a key this party holds without making it the identity key (a rotation under way). */
  holdSigner(signer: Signer): void {
    this.#signers.set(keyOf(signer), signer);
  }

  /** The key that signs this party's entry (or checkpoint of size) `seq` in the channel, per its key history. */
  async signerAt(channelId: string, seq: number): Promise<Signer> {
    const channel = await this.channel(channelId);
    return this.#signerFor(channel, seq, undefined);
  }

  #signerFor(channel: ChannelState, seq: number, rotated: { seq: number; key: string } | undefined): Signer {
    const key =
      rotated && seq > rotated.seq ? rotated.key : (channel.keys.keyAt(this.party, seq) ?? keyOf(this.#signer));
    const signer = this.#signers.get(key);
    if (!signer) throw new ParleyError('PARLEY_E_KEY_NOT_VALID', { key, author: this.party, seq });
    return signer;
  }

  /**
   * Rotates this party's key in one channel: appends a `key-rotate` entry
   * signed by the key in force, with `newKey`'s proof; from the next seq the
   * channel's entries are signed by `newKey`. Idempotent: a channel whose key
   * in force already is `newKey` gets no entry (undefined).
   */
  async rotateKey(channelId: string, newKey: Signer): Promise<{ id: string; entry: SignedEntry } | undefined> {
    this.holdSigner(newKey);
    const channel = await this.channel(channelId);
    const head = await this.store.head(channel.id, this.party);
    if (channel.keys.keyAt(this.party, (head?.seq ?? 0) + 1) === keyOf(newKey)) return undefined;
    const placeholder = { newKey: keyOf(newKey), proof: toBase64url(new Uint8Array(64)) };
    return this.append(channel.id, { type: 'key-rotate', body: placeholder, rotateTo: newKey });
  }

  /** The active channel's state (charter, members, keys), loaded once. */
  channel(id: string): Promise<ChannelState> {
    // The promise is cached, so a burst of concurrent callers loads the charter once.
    let state = this.#channels.get(id);
    if (!state) {
      state = loadChannelState(this.store, id);
      state.catch(() => this.#channels.delete(id));
      this.#channels.set(id, state);
    }
    return state;
  }

  /** Forgets cached channel state (after a charter change). */
  forget(id: string): void {
    this.#channels.delete(id);
  }

  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Checks, signs and durably appends an entry to this party's feed. Its heads
   * name everything held of the other feeds; its time never goes backwards.
   * Concurrent appends are group-committed: one transaction (one fsync) for
   * all waiting, each resolved only once durable.
   */
  async append(channelId: string, own: OwnEntry): Promise<{ id: string; entry: SignedEntry }> {
    const channel = await this.channel(channelId);
    validateBody(own.type, own.assignSerial ? withSerial(own.body, 1) : own.body);
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(channel.id) ?? [];
      queue.push({ own, resolve, reject });
      this.#queues.set(channel.id, queue);
      if (!this.#draining.has(channel.id)) void this.#drain(channel.id);
    });
  }

  async #drain(channel: string): Promise<void> {
    this.#draining.add(channel);
    try {
      for (let queue = this.#queues.get(channel); queue?.length; queue = this.#queues.get(channel)) {
        // One turn of the event loop first: appends of requests read in the same
        // turn join this commit. Without it, on SQLite (synchronous, one
        // connection) every append found the queue alone: one commit each
        // (docs/decisions/0017).
        await new Promise((resolve) => setImmediate(resolve));
        const batch = queue.splice(0, GROUP_COMMIT_MAX);
        try {
          const written = await this.#write(
            channel,
            batch.map((p) => p.own),
          );
          for (const [i, p] of batch.entries()) p.resolve(written[i]!);
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#draining.delete(channel);
    }
  }

  async #write(channel: string, batch: OwnEntry[]): Promise<Array<{ id: string; entry: SignedEntry }>> {
    const state = await this.channel(channel);
    // A key-rotate in this batch: the entries after it are signed by its new key,
    // and the key history learns of it once the batch is durable.
    let rotated: { seq: number; key: string } | undefined;
    // What the builds saw: every other feed's head, and the highest serial they assigned.
    let others: Record<string, FeedHead> = {};
    let serial: number | undefined;
    const builds = batch.map((own, i) => async (head: FeedHead | undefined, feed: LockedFeed) => {
      if (i === 0) {
        rotated = undefined; // the store may build the group again (a retried transaction)
        others = feed.others;
        serial = undefined;
        this.#refuseIfBehind(channel, head, known !== undefined);
      }
      const seq = (head?.seq ?? 0) + 1;
      const signer = this.#signerFor(state, seq, rotated);
      let entry = own;
      if (own.assignSerial) {
        serial = (await feed.maxSerial()) + 1;
        entry = { ...own, body: withSerial(own.body, serial) };
      }
      if (own.rotateTo) {
        const statement = { channel, author: this.party, seq, oldKey: keyOf(signer), newKey: keyOf(own.rotateTo) };
        entry = { ...entry, body: { newKey: statement.newKey, proof: signRotation(statement, own.rotateTo) } };
        rotated = { seq, key: statement.newKey };
      }
      // The heads of the others as read with our feed's lock: what this node holds as it signs.
      return this.#sign(channel, head, headsOf(feed.others), entry, signer);
    });
    const alongside: Alongside | undefined = batch.some((o) => o.alongside)
      ? async (db, rows) => {
          for (const [i, own] of batch.entries()) await own.alongside?.(db, rows[i]!);
        }
      : undefined;
    let known: KnownFeeds | undefined;
    let written: Awaited<ReturnType<Store['appendOwnBatch']>>;
    try {
      written = await this.#writingOwn(channel, async () => {
        known = this.#knownFeeds(channel, true);
        const rows = await this.store.appendOwnBatch(channel, this.party, builds, this.now(), alongside, known);
        this.#noteHead(
          channel,
          this.party,
          rows.map((w) => w.row),
        );
        this.#known.noteAll(channel, others);
        // The highest serial, true at the head just written: one assigned now (from the serial read
        // under the lock, or known true at the head this write continued), or the one known carried on.
        const highest = serial ?? known?.maxSerial;
        if (highest !== undefined) this.#known.noteSerial(channel, this.party, highest, rows.at(-1)!.row.seq);
        return rows;
      });
    } catch (error) {
      // A claim came in after the heads known were offered: built again on the head read under the lock.
      if (error instanceof ClaimBeyondHint) return this.#write(channel, batch);
      // Our feed moved past the head this process knew (another process wrote it: scale-out), or
      // the store holds less of a feed than this process remembers (a crashed database lost an
      // unflushed tail: decision 0032). Forgotten, and built again on what the store holds.
      if (!refusedOnKnownHeads(error)) throw error;
      this.#movedUnder(channel);
      return this.#write(channel, batch);
    }
    if (rotated) state.keys.rotate(this.party, rotated.seq, rotated.key);
    const precedence = batch
      .map(precedenceOf)
      .map((p) => p.precedence)
      .filter((p) => p !== undefined);
    precedence.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    this.events.emit('appended', {
      channel,
      author: this.party,
      fromSeq: written[0]!.entry.header.seq,
      toSeq: written[written.length - 1]!.entry.header.seq,
      types: [...new Set(batch.map((o) => o.type))],
      ...(precedence[0] ? { precedence: precedence[0] } : {}),
      own: true,
      rows: written.map((w) => w.row),
    });
    return written.map(({ id, entry }) => ({ id, entry }));
  }

  /**
   * Takes a batch from a peer. What is new is stored; if anything but
   * receipts was new, one receipt answers the whole batch, written in the
   * same transaction as the batch (one commit for both). Batches of one
   * channel are taken one at a time, in the order they arrive.
   */
  async ingest(channelId: string, raw: unknown[], from?: { answering: string }): Promise<IngestAnswer> {
    const channel = await this.channel(channelId);
    const before = this.#ingesting.get(channel.id);
    // A large push's forms and signatures are checked now, while the push before it is stored
    // (decision 0037); for two pushes of a channel at most, what an honest sender keeps in flight.
    const checking = this.#checkedEarly.get(channel.id) ?? 0;
    const early =
      checking < EARLY_PUSHES && this.#checkingEarly < EARLY_PUSHES_NODE ? EarlyChecks.start(raw, channel) : undefined;
    if (early) {
      this.#checkedEarly.set(channel.id, checking + 1);
      this.#checkingEarly++;
    }
    const run = (async () => {
      try {
        if (before) await before.catch(() => undefined);
        return await this.#ingest(channel, raw, from?.answering, true, early);
      } finally {
        // Counted until its turn is over and every signature it sent is verified: a push refused
        // before its signatures were asked for still holds its place while the pool works on them.
        if (early) void early.settled.then(() => this.#checkedEarlyDone(channel.id));
      }
    })();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#ingesting.set(channel.id, settled);
    try {
      return await run;
    } finally {
      if (this.#ingesting.get(channel.id) === settled) this.#ingesting.delete(channel.id);
    }
  }

  /** Pushes checked as they arrived whose turn or signatures are not over yet (decision 0037; for tests). */
  get checkingEarly(): number {
    return this.#checkingEarly;
  }

  #checkedEarlyDone(channel: string): void {
    this.#checkingEarly--;
    const left = (this.#checkedEarly.get(channel) ?? 1) - 1;
    if (left > 0) this.#checkedEarly.set(channel, left);
    else this.#checkedEarly.delete(channel);
  }

  async #ingest(
    channel: ChannelState,
    raw: unknown[],
    answering: string | undefined,
    hints = true,
    early?: EarlyChecks,
  ): Promise<IngestAnswer> {
    const result = await verifyBatch(
      this.store,
      channel,
      raw,
      () => this.clock.now(),
      hints ? this.#known : undefined,
      early,
    );
    // A refusal is judged on the heads as stored: a remembered one may be behind (a gap that is not one).
    if (result.hinted && result.error && !(await this.#hintsHeld(channel.id, result.hinted))) {
      return this.#ingest(await this.#reloaded(channel), raw, answering, false, early);
    }
    this.#noteClaims(channel.id, result.accepted);
    const needsReceipt =
      [...result.accepted].some(
        ([author, list]) => author !== this.party && list.some((e) => e.header.type !== 'receipt'),
      ) ||
      (result.resent.size > 0 && (await this.#unanswered(channel.id, result.resent)));
    // Our own feed coming back (after a restore) is stored alone: the receipt would lock it twice.
    const together = needsReceipt && !result.accepted.has(this.party);
    const feeds = [...result.accepted].map(([author, entries]) => ({ author, entries }));
    const own = {
      author: this.party,
      build: (head: FeedHead | undefined, others: Record<string, FeedHead>) =>
        // Refused while our own feed is behind: the batch is not stored either, and its sender retries.
        this.#refuseIfBehind(channel.id, head, known !== undefined) ??
        this.#sign(
          channel.id,
          head,
          headsOf(others),
          { type: 'receipt', body: {} },
          this.#signerFor(channel, (head?.seq ?? 0) + 1, undefined),
        ),
    };
    let known: KnownFeeds | undefined;
    let batch: Awaited<ReturnType<Store['appendBatch']>>;
    try {
      const write = async () => {
        known = hints ? this.#knownFeeds(channel.id, together) : undefined;
        const written = await this.store.appendBatch(channel.id, feeds, together ? own : undefined, this.now(), known);
        for (const [author, rows] of Object.entries(written?.rows ?? {})) this.#noteHead(channel.id, author, rows);
        // Our own feed coming back (a restore): its serials are read again before the next message.
        if (result.accepted.has(this.party)) this.#known.forget(channel.id);
        else if (written?.own) {
          this.#known.noteAll(channel.id, written.own.heads);
          // A receipt on the heads known continued the head the serial was true at: it still is.
          if (written.onKnownHeads && known?.maxSerial !== undefined) {
            this.#known.noteSerial(channel.id, this.party, known.maxSerial, written.own.entry.header.seq);
          }
        }
        return written;
      };
      batch = await (together ? this.#writingOwn(channel.id, write) : write());
    } catch (error) {
      // A claim came in after the heads known were offered: taken in again, reading the heads under the lock.
      if (error instanceof ClaimBeyondHint)
        return this.#ingest(await this.#reloaded(channel), raw, answering, false, early);
      // A remembered head was behind the stored one (another process wrote the feed): start again from the store.
      const moved = refusedOnKnownHeads(error);
      if (!(result.hinted || moved) || !isParleyError(error) || !STALE_HEAD.has(error.code)) throw error;
      if (moved) this.#movedUnder(channel.id);
      return this.#ingest(await this.#reloaded(channel), raw, answering, false, early);
    }
    const written = batch?.own;
    for (const list of result.accepted.values()) result.stored += list.length;
    for (const fork of result.forks) await this.#recordFork(channel.id, fork.proof);
    const appended: AppendedEvent[] = [...result.accepted].map(([author, entries]) => ({
      channel: channel.id,
      author,
      fromSeq: entries[0]!.header.seq,
      toSeq: entries[entries.length - 1]!.header.seq,
      types: [...new Set(entries.map((e) => e.header.type))],
      own: false,
      ...(entries.some(namesAttachments) ? { attachments: true } : {}),
      ...rowsOf(batch?.rows[author]),
    }));
    if (needsReceipt && written) {
      const { seq } = written.entry.header;
      appended.push({
        channel: channel.id,
        author: this.party,
        fromSeq: seq,
        toSeq: seq,
        types: ['receipt'],
        own: true,
        ...(answering ? { answering } : {}),
        ...rowsOf(batch?.rows[this.party]),
      });
    }
    // Answering a push, the answer (with its receipt) goes out first: what
    // listens (consoles, relays to other peers, attachment fetches, alarms)
    // starts a turn later instead of holding the answer up with its reads.
    const announce = () => {
      for (const event of appended) this.events.emit('appended', event);
    };
    if (answering) setImmediate(announce);
    else announce();
    if (result.flagged.length > 0) await this.#skewAlarm(channel.id, result);
    if (!needsReceipt) return result;
    if (!written) {
      const receipt = await this.append(channel.id, { type: 'receipt', body: {} });
      return { ...result, receipt: receipt.entry };
    }
    return { ...result, receipt: written.entry, heads: written.heads };
  }

  /**
   * Writes a receipt when this node holds other members' entries (other than
   * receipts) that its own newest entry does not acknowledge: it stopped
   * between storing a batch and answering it, where those are two
   * transactions (a batch carrying our own feed; a store written by
   * ingestBatch, or by a version that wrote them apart). Run when the node
   * starts; a resend of such entries answers them too (see ingest).
   */
  async answerUnanswered(channelId: string): Promise<SignedEntry | undefined> {
    const channel = await this.channel(channelId);
    if (!(await this.#unanswered(channel.id))) return undefined;
    return (await this.append(channel.id, { type: 'receipt', body: {} })).entry;
  }

  /** Whether we hold a non-receipt entry of another member (up to `upTo`'s seq, if given) we never acknowledged. */
  async #unanswered(channel: string, upTo?: Map<string, number>): Promise<boolean> {
    const own = await this.store.head(channel, this.party);
    const row = own && (await this.store.getEntry(channel, this.party, own.seq));
    const acked: SignedEntry['header']['heads'] = row ? JSON.parse(row.header).heads : {};
    for (const [author, head] of Object.entries(await this.store.heads(channel))) {
      if (author === this.party) continue;
      const from = (acked[author]?.seq ?? 0) + 1;
      const to = upTo ? Math.min(head.seq, upTo.get(author) ?? 0) : head.seq;
      if (to < from) continue;
      // More than a page unacknowledged is never only receipts (they answer our own entries).
      if (to - from >= 1000) return true;
      if ((await this.store.range(channel, author, from, to - from + 1)).some((r) => r.type !== 'receipt')) return true;
    }
    return false;
  }

  /**
   * Notes how much of this party's own feed the other members' entries just
   * verified name (their signed heads). Only a restored node (or one whose
   * storage lost its own latest entries) holds less than that.
   */
  #noteClaims(channel: string, accepted: ReadonlyMap<string, readonly AcceptedEntry[]>): void {
    for (const [author, entries] of accepted) {
      for (const entry of entries) {
        const seq = entry.header.heads[this.party]?.seq;
        if (seq !== undefined) this.#noteClaim(channel, author, seq);
      }
    }
  }

  /**
   * A member of `channel` says it holds our own feed up to `seq`: its link's
   * heartbeat answer (unsigned). Noted as a claim, as the heads its signed
   * entries name are (#refuseIfBehind): more than our head stops this node
   * signing in the channel until the link has pulled our own entries back,
   * or the claim's grace runs out. A node restored from an older copy learns
   * it is behind from the first heartbeat answered, before any entry of a
   * peer reaches it (decision 0033). The caller (the link) passes only
   * channels the member belongs to.
   */
  noteHeldByMember(channel: string, member: string, seq: number): void {
    if (seq > 0) this.#noteClaim(channel, member, seq);
  }

  /**
   * Holds every write of our own feed (a send, a receipt: any entry signed
   * at our head) until `ready` settles, or releaseSigning is called.
   * `parley serve` holds them from its start until each peer's first
   * heartbeat has been answered, has failed, or has run out its time. A
   * node restored from an older copy thus learns from its peers' answers
   * how much of its own feed they hold (noteHeldByMember) before it signs
   * anything at its head (decision 0035). Writes wait; nothing is refused
   * for it, unless the node stops first (refuseHeldSigning).
   */
  holdSigningUntil(ready: Promise<unknown>): void {
    let settle: (refused: ParleyError | undefined) => void = () => undefined;
    const held = new Promise<ParleyError | undefined>((resolve) => {
      settle = resolve;
    });
    void ready.then(
      () => settle(undefined),
      () => settle(undefined),
    );
    this.#signingHeld = held;
    this.#settleSigning = settle;
    void held.then(() => {
      if (this.#signingHeld === held) {
        this.#signingHeld = undefined;
        this.#settleSigning = undefined;
      }
    });
  }

  /**
   * Refuses the writes a hold (holdSigningUntil) keeps waiting, with
   * PARLEY_E_STOPPING, and any that would wait: the node is stopping before
   * it heard its peers, so signing them now would be signing unguarded.
   */
  refuseHeldSigning(): void {
    this.#settleSigning?.(new ParleyError('PARLEY_E_STOPPING', { what: 'an entry of our own feed' }));
  }

  #noteClaim(channel: string, member: string, seq: number): void {
    if (member === this.party || this.#unbacked.has(`${channel}/${member}`)) return;
    let members = this.#claims.get(channel);
    if (!members) {
      members = new Map();
      this.#claims.set(channel, members);
    }
    const held = members.get(member);
    if (!held) members.set(member, { seq });
    else if (seq > held.seq) held.seq = seq;
  }

  /**
   * Throws PARLEY_E_OWN_FEED_BEHIND while another member names more of our
   * own feed than `head` (ours, locked): signing at head + 1 would fork it
   * (decision 0027). The link pulls our own feed back meanwhile. Each
   * member's claim has its own grace, restarted whenever our head moves on:
   * one that stays unbacked that long is the member's lie or loss; it is
   * dropped, the member's later claims disbelieved, an alarm raised, and
   * the node signs again unless another member's claim still stands.
   *
   * A `hinted` head is the one this process remembers (decision 0031), not
   * one read under the lock: a claim beyond it (noted after #knownFeeds
   * offered it) may name what another process wrote, so the write is done
   * again on the head read under the lock (ClaimBeyondHint), where the
   * claim is judged (decision 0032).
   */
  #refuseIfBehind(channel: string, head: FeedHead | undefined, hinted = false): undefined {
    const members = this.#claims.get(channel);
    if (!members) return undefined;
    if (hinted && this.#claimedBeyond(channel, head?.seq ?? 0)) throw new ClaimBeyondHint();
    const held = head?.seq ?? 0;
    const now = performance.now();
    let standing: [string, Claim] | undefined;
    for (const [member, claim] of members) {
      if (held >= claim.seq) {
        members.delete(member);
        continue;
      }
      if (claim.behindSince === undefined || held > (claim.heldThen ?? 0)) {
        claim.behindSince = now;
        claim.heldThen = held;
      }
      if (now - claim.behindSince >= this.#claimGraceMs) {
        members.delete(member);
        this.#unbacked.add(`${channel}/${member}`);
        this.#unbackedAlarm(channel, member, claim.seq, held);
        continue;
      }
      standing ??= [member, claim];
    }
    if (members.size === 0) this.#claims.delete(channel);
    if (!standing) return undefined;
    throw new ParleyError('PARLEY_E_OWN_FEED_BEHIND', {
      author: this.party,
      channel,
      held,
      member: standing[0],
      claimed: standing[1].seq,
    });
  }

  /** Raised after the signing transaction (the store's connection is held by it meanwhile). */
  #unbackedAlarm(channel: string, member: string, claimed: number, held: number): void {
    setImmediate(() => {
      void this.store
        .raiseAlarm({
          kind: 'unbacked-claim',
          channel,
          message: `${member} named ${this.party}'s feed at seq ${claimed} but did not back it; this node holds seq ${held} and signs again`,
          details: JSON.stringify({ member, claimed, held }),
          raisedAt: this.now(),
        })
        .catch(() => undefined);
    });
  }

  /** Whether the store still holds the heads a batch was verified against (else they were behind). */
  async #hintsHeld(channel: string, hinted: ReadonlyMap<string, FeedHead | undefined>): Promise<boolean> {
    for (const [author, hint] of hinted) {
      const head = await this.store.head(channel, author);
      if (head?.seq !== hint?.seq || head?.id !== hint?.id) return false;
    }
    return true;
  }

  /**
   * After a batch was verified against a remembered head that was behind:
   * the channel's heads are forgotten, and its state is loaded again, since
   * the discarded verification may have noted a key rotation it will not
   * store (and another process may have stored one).
   */
  async #reloaded(channel: ChannelState): Promise<ChannelState> {
    this.#known.forget(channel.id);
    this.forget(channel.id);
    return this.channel(channel.id);
  }

  /**
   * Every feed's head of the channel as this process knows them, for an own
   * entry written without reading them first (decision 0031); undefined
   * while they are not all known, or for a while after our feed moved under
   * this process (another process writing it: see #movedUnder).
   */
  #knownFeeds(channel: string, own: boolean): KnownFeeds | undefined {
    const lockFirst = this.#lockFirst.get(channel);
    if (lockFirst !== undefined) {
      // Counted in writes of our own feed (a peer's batch without a receipt does not count).
      if (own && lockFirst <= 1) this.#lockFirst.delete(channel);
      else if (own) this.#lockFirst.set(channel, lockFirst - 1);
      return undefined;
    }
    const known = this.#known.feeds(channel, this.party);
    // A member names more of our feed than this process knows of it: another process wrote it, or
    // this node is behind (decision 0027). Only the head read under the lock can tell which;
    // judged against the hint, the claim would refuse to sign what the store already holds.
    if (own && known && this.#claimedBeyond(channel, known.head.seq)) return undefined;
    return known;
  }

  /** Whether a member's standing claim names more of our feed than `seq` (see #refuseIfBehind). */
  #claimedBeyond(channel: string, seq: number): boolean {
    for (const claim of this.#claims.get(channel)?.values() ?? []) if (claim.seq > seq) return true;
    return false;
  }

  /**
   * Runs a write of our own feed (a group of appends, or a batch with its
   * receipt) after the channel's previous one has settled and noted its head.
   * The database serialises them anyway (the feed's lock; SQLite's one
   * writer), so nothing is lost by queueing here; a write on the heads this
   * process knows (#knownFeeds) then never races another of the same process,
   * which would be refused as if another process had written.
   */
  async #writingOwn<T>(channel: string, write: () => Promise<T>): Promise<T> {
    const before = this.#ownWrites.get(channel);
    const run = (async () => {
      if (before) await before;
      const refused = this.#signingHeld && (await this.#signingHeld);
      if (refused) throw refused;
      return write();
    })();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#ownWrites.set(channel, settled);
    try {
      return await run;
    } finally {
      if (this.#ownWrites.get(channel) === settled) this.#ownWrites.delete(channel);
    }
  }

  /**
   * A write on the heads this process knew found a feed moved: another
   * process writes this channel too (or the database came back from a crash
   * without a tail this process remembers). Its heads are forgotten, and the next
   * LOCK_FIRST_WRITES writes read them under the lock first, as they would
   * otherwise keep being built on heads that moved, and built again.
   */
  #movedUnder(channel: string): void {
    this.#known.forget(channel);
    this.forget(channel);
    this.#lockFirst.set(channel, LOCK_FIRST_WRITES);
  }

  /** The head the rows just committed left (their last). */
  #noteHead(channel: string, author: string, rows: readonly StoredEntryRow[]): void {
    const last = rows[rows.length - 1];
    if (last) this.#known.note(channel, author, { seq: last.seq, id: last.id, time: last.time });
  }

  /** Signs an own entry continuing `head`, its heads naming `heads`. */
  #sign(
    channel: string,
    head: FeedHead | undefined,
    heads: SignedEntry['header']['heads'],
    own: OwnEntry,
    signer: Signer,
  ): { id: string; entry: SignedEntry } {
    return signEntry(
      {
        channel,
        author: this.party,
        seq: (head?.seq ?? 0) + 1,
        prev: head?.id ?? null,
        time: stamp(this.clock, head?.time),
        type: own.type,
        heads,
        refs: own.refs ?? [],
        body: own.body,
      },
      signer,
    );
  }

  async #recordFork(channel: string, proof: import('@parley/record').ForkProof): Promise<void> {
    await this.store.putFork({
      channel,
      author: proof.author,
      seq: proof.seq,
      proof,
      detectedAt: this.now(),
      from: null,
    });
    const message = `fork: ${proof.author} signed two different entries at seq ${proof.seq}`;
    await this.store.raiseAlarm({
      kind: 'fork',
      channel,
      message,
      details: JSON.stringify({ author: proof.author, seq: proof.seq }),
      raisedAt: this.now(),
    });
    this.events.emit('alarm', { kind: 'fork', message, channel });
  }

  async #skewAlarm(channel: string, result: IngestResult): Promise<void> {
    const first = result.flagged[0]!;
    const ahead = first.flags[0]?.aheadMs ?? 0;
    const message = `clock skew: ${first.header.author} seq ${first.header.seq} is ${Math.round(ahead / 1000)} s ahead of this node's clock`;
    await this.store.raiseAlarm({
      kind: 'clock-skew',
      channel,
      message,
      details: JSON.stringify({ author: first.header.author, aheadMs: ahead }),
      raisedAt: this.now(),
    });
    this.events.emit('alarm', { kind: 'clock-skew', message, channel });
  }
}

/** The rows as stored, for an 'appended' event, when the store handed them back. */
function rowsOf(rows: StoredEntryRow[] | undefined): { rows?: StoredEntryRow[] } {
  return rows && rows.length > 0 ? { rows } : {};
}

const ORDER = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'];

/** Heads as a header names them: author → { seq, id }. */
function headsOf(heads: Record<string, FeedHead>): SignedEntry['header']['heads'] {
  const out: SignedEntry['header']['heads'] = {};
  for (const [author, head] of Object.entries(heads)) out[author] = { seq: head.seq, id: head.id };
  return out;
}

function keyOf(signer: Signer): string {
  return toBase64url(signer.publicKey);
}

function withSerial(body: JsonValue, serial: number): JsonValue {
  return { ...(body as Record<string, JsonValue>), serial };
}

function precedenceOf(own: OwnEntry): { precedence?: string } {
  const p = (own.body as { precedence?: unknown } | null)?.precedence;
  return typeof p === 'string' && ORDER.includes(p) ? { precedence: p } : {};
}

export function requireMember(channel: ChannelState, party: string): void {
  if (!channel.members.includes(party)) {
    throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: party, channel: channel.id });
  }
}

/** The entry's body names attachments (a message's or an incident report's `attachments`, non-empty). */
function namesAttachments(entry: { body?: unknown }): boolean {
  const body = entry.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const list = (body as { attachments?: unknown }).attachments;
  return Array.isArray(list) && list.length > 0;
}
