import { isParleyError, limits, ParleyError } from '@parley/contract';
import {
  type AcceptedEntry,
  type CheckedEntry,
  checkSignature,
  type FeedHead,
  FeedVerifier,
  ForkError,
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

let pool: SignaturePool | undefined;

/**
 * Defers the signatures of entries new to this node to the worker pool. Entries
 * at a seq already held (possible forks), repeats inside the batch and
 * key-rotate entries (whose new key takes effect at once) are checked in line,
 * so nothing is judged on an unverified signature.
 */
function deferredSignatures(storedHead: number) {
  pool ??= SignaturePool.start();
  const queue = new SignatureQueue(pool, 256);
  const queued = new Map<number, number>();
  return {
    check(entry: CheckedEntry, index: number): void {
      const { seq, type } = entry.header;
      if (seq <= storedHead || queued.has(seq) || type === 'key-rotate') {
        checkSignature(entry);
        return;
      }
      queued.set(seq, index);
      queue.add(entry, index);
    },
    async settle(): Promise<{ index: number; seq: number } | undefined> {
      const index = await queue.settle();
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
): Promise<IngestResult> {
  const result = await verifyBatch(store, channel, raw, now);
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
    const error = await verifyFeed(store, channel, author, group, now, result, known);
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
  const deferred = group.length >= PARALLEL_FROM ? deferredSignatures(head?.seq ?? 0) : undefined;
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
