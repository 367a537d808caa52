import { isParleyError, limits, ParleyError } from '@parley/contract';
import {
  type AcceptedEntry,
  type CheckedEntry,
  checkEntryForm,
  checkSignature,
  type FeedHead,
  FeedVerifier,
  ForkError,
  SignatureBatch,
  SignaturePool,
  SignatureQueue,
  type StoredEntry,
} from '@parley/record';
import type { Store, StoredEntryRow } from '../store/store.js';
import type { ChannelState } from './channel-state.js';
import type { KnownHeads } from './known-heads.js';

/** The answer to a batch of entries from a peer. */
export interface IngestResult {
  stored: number;
  duplicates: number;
  /** Entries stored per author, ascending. */
  accepted: Map<string, AcceptedEntry[]>;
  /** The first refusal, if any: entries after it in its feed were not looked at. */
  error?: ParleyError;
  forks: ForkError[];
  /** Future-dated entries taken but flagged. */
  flagged: AcceptedEntry[];
  /** Per author, the highest seq resent to us that we already held and that is not a receipt. */
  resent: Map<string, number>;
  /** Feeds verified against a head this process remembered, not one read from the store (see KnownHeads): that head. */
  hinted?: Map<string, FeedHead | undefined>;
}

/** Batches at least this long verify new entries' signatures on the worker pool. */
const PARALLEL_FROM = 64;

/** Signatures sent to a worker at once. */
const POOL_BATCH = 256;

let pool: SignaturePool | undefined;

/** Settles to the positions of a pool batch whose signatures fail. */
type PoolVerdict = Promise<number[]>;

/**
 * A large push's forms and signatures, checked as it arrives rather than when
 * its turn comes (decision 0037). A channel's pushes are taken one at a time;
 * while one is stored the next waits, and its signatures, sent to the worker
 * pool here, are verified meanwhile on the other core. Both checks are pure:
 * an entry's form and id depend on its bytes alone, its signature on the key
 * its header names, so what they find holds whenever the verifier asks. The
 * verifier still judges every entry in order.
 *
 * Only what the verifier is bound to check in its turn is sent: the entries
 * of this channel by its members under their keys in force, each continuing
 * the one before it of its author in the push. The pass stops at the first
 * entry that is not such (a malformed one, a key-rotate, a break in a chain):
 * the verifier looks at the rest in its turn.
 */
export class EarlyChecks {
  readonly #forms = new WeakMap<object, CheckedEntry>();
  readonly #verdicts = new Map<CheckedEntry, { verdict: PoolVerdict; position: number }>();
  readonly #sent: PoolVerdict[] = [];

  /** Pushes checked on arrival since the process started (for tests). */
  static started = 0;

  /** Starts the checks of a push of PARALLEL_FROM to limits.batchEntries entries; undefined for another. */
  static start(raw: unknown[], channel: ChannelState): EarlyChecks | undefined {
    if (raw.length < PARALLEL_FROM || raw.length > limits.batchEntries) return undefined;
    EarlyChecks.started++;
    const early = new EarlyChecks();
    early.#start(raw, channel);
    return early;
  }

  /** Settles once every signature sent on arrival has its verdict (or the pool failed); never rejects. */
  get settled(): Promise<void> {
    return Promise.allSettled(this.#sent).then(() => undefined);
  }

  /** Signatures sent to the pool on arrival (for tests). */
  get sent(): number {
    return this.#verdicts.size;
  }

  /** The input's form as checked on arrival, else checked now (checkEntryForm, throwing as it does). */
  form(input: unknown): CheckedEntry {
    return (typeof input === 'object' && input !== null && this.#forms.get(input)) || checkEntryForm(input);
  }

  /** Resolves true when the entry's signature verifies; undefined if it was not sent on arrival. */
  verdict(entry: CheckedEntry): Promise<boolean> | undefined {
    const sent = this.#verdicts.get(entry);
    if (!sent) return undefined;
    const valid = sent.verdict.then((failing) => !failing.includes(sent.position));
    valid.catch(() => undefined); // a pool that failed: the caller's await sees it, and nothing is left unhandled
    return valid;
  }

  #start(raw: unknown[], channel: ChannelState): void {
    pool ??= SignaturePool.start();
    let batch = new SignatureBatch(POOL_BATCH);
    let entries: CheckedEntry[] = [];
    const send = () => {
      if (entries.length === 0) return;
      const verdict = pool!.verify(batch);
      // Awaited only by the verifier, and not at all if the push is refused before: never unhandled.
      verdict.catch(() => undefined);
      this.#sent.push(verdict);
      for (const [position, entry] of entries.entries()) this.#verdicts.set(entry, { verdict, position });
      batch = new SignatureBatch(POOL_BATCH);
      entries = [];
    };
    const last = new Map<string, CheckedEntry>();
    for (const input of raw) {
      if (typeof input !== 'object' || input === null) break;
      let entry: CheckedEntry;
      try {
        entry = checkEntryForm(input);
      } catch {
        break; // the verifier meets the same failure in its turn
      }
      const { header } = entry;
      const before = last.get(header.author);
      if (
        header.channel !== channel.id ||
        header.type === 'key-rotate' ||
        // A party not a member has no key in force.
        channel.keys.keyAt(header.author, header.seq) !== header.key ||
        (before && (header.seq !== before.header.seq + 1 || header.prev !== before.id))
      ) {
        break;
      }
      try {
        batch.addEntry(entry);
      } catch {
        break;
      }
      last.set(header.author, entry);
      this.#forms.set(input, entry);
      entries.push(entry);
      if (batch.full) send();
    }
    send();
  }
}

/**
 * Defers the signatures of entries new to this node to the worker pool, or to
 * the checks started as the push arrived (`early`). Entries at a seq already
 * held (possible forks), repeats inside the batch and key-rotate entries are
 * checked in line, so nothing is judged on an unverified signature.
 */
function deferredSignatures(storedHead: number, early: EarlyChecks | undefined) {
  pool ??= SignaturePool.start();
  const queue = new SignatureQueue(pool, POOL_BATCH);
  const queued = new Map<number, number>();
  const earlier: Array<{ index: number; valid: Promise<boolean> }> = [];
  return {
    check(entry: CheckedEntry, index: number): void {
      const { seq, type } = entry.header;
      if (seq <= storedHead || queued.has(seq) || type === 'key-rotate') {
        checkSignature(entry);
        return;
      }
      queued.set(seq, index);
      const valid = early?.verdict(entry);
      if (valid) earlier.push({ index, valid });
      else queue.add(entry, index);
    },
    async settle(): Promise<{ index: number; seq: number } | undefined> {
      // Promise.all takes every verdict's rejection (a pool that failed): none is left unhandled.
      const [inQueue, valid] = await Promise.all([queue.settle(), Promise.all(earlier.map((e) => e.valid))]);
      let index = inQueue;
      for (const [i, sent] of earlier.entries()) {
        if (!valid[i] && (index === undefined || sent.index < index)) index = sent.index;
      }
      if (index === undefined) return undefined;
      const seq = [...queued].find(([, i]) => i === index)![0];
      return { index, seq };
    },
  };
}

export function toStoredEntry(row: StoredEntryRow): StoredEntry {
  return { id: row.id, header: JSON.parse(row.header), sig: row.sig };
}

/** Groups a batch by author, keeping each author's order; refuses anything without a readable author. */
function byAuthor(raw: unknown[]): Map<string, unknown[]> {
  const groups = new Map<string, unknown[]>();
  for (const item of raw) {
    const author = (item as { header?: { author?: unknown } } | null)?.header?.author;
    if (typeof author !== 'string' || !limits.partyId.test(author)) {
      throw new ParleyError('PARLEY_E_HEADER', { reason: 'entry without a valid header.author' });
    }
    groups.set(author, [...(groups.get(author) ?? []), item]);
  }
  return groups;
}

/**
 * Verifies and stores a batch of entries (any authors, including relayed
 * ones) for one channel: per feed, in order, all-or-up-to-the-first-error,
 * each feed's accepted entries in one transaction.
 */
export async function ingestBatch(
  store: Store,
  channel: ChannelState,
  raw: unknown[],
  now: () => number,
  storedAt: string,
  early?: EarlyChecks,
): Promise<IngestResult> {
  const result = await verifyBatch(store, channel, raw, now, undefined, early);
  const verified = result.accepted;
  result.accepted = new Map();
  for (const [author, accepted] of verified) {
    await store.appendEntries(channel.id, author, accepted, storedAt);
    result.accepted.set(author, accepted);
    result.stored += accepted.length;
  }
  return result;
}

/**
 * Verifies a batch as ingestBatch does, storing nothing: `accepted` holds what
 * the caller is to store (each feed's new entries, ascending, continuing the
 * head read here) and `stored` stays 0 until it has. With `known`, a feed's
 * head is the one this process remembers where it has one (`hinted` is then
 * set): the store's check under the feed's lock is what makes that safe.
 */
export async function verifyBatch(
  store: Store,
  channel: ChannelState,
  raw: unknown[],
  now: () => number,
  known?: KnownHeads,
  early?: EarlyChecks,
): Promise<IngestResult> {
  if (raw.length > limits.batchEntries) {
    throw new ParleyError('PARLEY_E_OVERSIZE', { what: 'batch', size: raw.length, limit: limits.batchEntries });
  }
  const result: IngestResult = {
    stored: 0,
    duplicates: 0,
    accepted: new Map(),
    forks: [],
    flagged: [],
    resent: new Map(),
  };
  for (const [author, group] of byAuthor(raw)) {
    const error = await verifyFeed(store, channel, author, group, now, result, known, early);
    if (error) {
      result.error ??= error;
    }
  }
  return result;
}

async function verifyFeed(
  store: Store,
  channel: ChannelState,
  author: string,
  group: unknown[],
  now: () => number,
  result: IngestResult,
  known: KnownHeads | undefined,
  early: EarlyChecks | undefined,
): Promise<ParleyError | undefined> {
  let head: FeedHead | undefined;
  if (known) {
    const hint = await known.head(store, channel.id, author);
    head = hint.head;
    if (hint.hinted) {
      result.hinted ??= new Map();
      result.hinted.set(author, hint.head);
    }
  } else head = await store.head(channel.id, author);
  const held = new Map<number, StoredEntry>();
  for (const item of group) {
    const seq = (item as { header?: { seq?: unknown } }).header?.seq;
    if (typeof seq === 'number' && head && seq <= head.seq && !held.has(seq)) {
      const row = await store.getEntry(channel.id, author, seq);
      if (row) held.set(seq, toStoredEntry(row));
    }
  }
  // Large batches (catch-up) have their new entries' signatures checked on the
  // worker pool, in parallel with everything else; see deferredSignatures.
  const deferred = group.length >= PARALLEL_FROM || early ? deferredSignatures(head?.seq ?? 0, early) : undefined;
  const verifier = new FeedVerifier({
    channel: channel.id,
    author,
    keys: channel.keys,
    members: channel.members,
    ...(head ? { head } : {}),
    storedEntry: (seq) => held.get(seq),
    skewAllowanceMs: channel.charter.skewAllowanceMs,
    now,
    ...(deferred ? { checkSignature: (entry: CheckedEntry) => deferred.check(entry, index) } : {}),
    ...(early ? { form: (input: unknown) => early.form(input) } : {}),
  });
  let accepted: AcceptedEntry[] = [];
  const positions: number[] = [];
  let failure: ParleyError | undefined;
  let index = -1;
  for (const item of group) {
    index++;
    try {
      const entry = verifier.verify(item);
      if (entry.duplicate) {
        result.duplicates++;
        if (entry.header.type !== 'receipt')
          result.resent.set(author, Math.max(result.resent.get(author) ?? 0, entry.header.seq));
      } else {
        accepted.push(entry);
        positions.push(index);
      }
    } catch (error) {
      if (error instanceof ForkError) result.forks.push(error);
      if (!isParleyError(error)) throw error;
      failure = error;
      break;
    }
  }
  const bad = await deferred?.settle();
  if (bad !== undefined) {
    // A deferred signature failed: nothing from that entry on is taken, as if checked in line.
    const kept = positions.findIndex((p) => p >= bad.index);
    accepted = kept < 0 ? accepted : accepted.slice(0, kept);
    failure = new ParleyError('PARLEY_E_BAD_SIGNATURE', { author, seq: bad.seq });
    result.forks = result.forks.filter((f) => f.proof.seq < bad.seq);
  }
  for (const entry of accepted) if (entry.flags.length > 0) result.flagged.push(entry);
  if (accepted.length > 0) result.accepted.set(author, accepted);
  return failure;
}
