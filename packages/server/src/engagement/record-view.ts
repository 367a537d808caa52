/**
 * The record as the engagement rules read it: every entry of a channel, in an
 * order where each entry comes after the entries it answers. Pure but for
 * `loadRecord`, which reads a store.
 */
import type { Store, StoredEntryRow } from '../store/store.js';

/** One entry, as the rules need it. `body` is absent when it was withheld (evidence bundles). */
export interface RecordEntry {
  id: string;
  author: string;
  seq: number;
  type: string;
  time: string;
  refs: string[];
  body?: unknown;
}

/** Time, then author, then seq: each feed stays in order, and feeds interleave by their authors' clocks. */
export function byTime(a: RecordEntry, b: RecordEntry): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.author !== b.author) return a.author < b.author ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * Orders entries by time, but never before an entry they name in `refs`
 * (clocks of two nodes may disagree by up to the charter's skew allowance).
 */
export function causalOrder(entries: readonly RecordEntry[]): RecordEntry[] {
  const sorted = [...entries].sort(byTime);
  const present = new Set(sorted.map((e) => e.id));
  const done = new Set<string>();
  const waiting = new Map<string, RecordEntry[]>();
  const out: RecordEntry[] = [];
  const emit = (e: RecordEntry): void => {
    out.push(e);
    done.add(e.id);
    const next = waiting.get(e.id);
    if (!next) return;
    waiting.delete(e.id);
    for (const w of next) place(w);
  };
  const place = (e: RecordEntry): void => {
    const missing = e.refs.find((r) => present.has(r) && !done.has(r) && r !== e.id);
    if (missing === undefined) {
      emit(e);
      return;
    }
    const list = waiting.get(missing) ?? [];
    list.push(e);
    waiting.set(missing, list);
  };
  for (const e of sorted) place(e);
  // A reference cycle cannot be signed (ids hash their refs), but be safe: keep what is left.
  for (const list of waiting.values()) out.push(...list.filter((e) => !done.has(e.id)));
  return out;
}

export function rowToEntry(row: StoredEntryRow): RecordEntry {
  const header = JSON.parse(row.header) as { refs?: string[] };
  return {
    id: row.id,
    author: row.author,
    seq: row.seq,
    type: row.type,
    time: row.time,
    refs: header.refs ?? [],
    body: JSON.parse(row.body) as unknown,
  };
}

/** Types the engagement rules read; everything else (messages, receipts, checkpoints…) is skipped. */
export const engagementTypes = new Set([
  'charter-amend',
  'charter-accept',
  'mechanism-suspend',
  'mechanism-resume',
  'request',
  'request-accept',
  'request-decline',
  'request-counter',
  'request-withdraw',
  'meeting',
  'meeting-confirm',
  'meeting-postpone',
  'meeting-cancel',
  'readout',
  'commitment-propose',
  'commitment-agree',
  'commitment-status',
  'incident-report',
  'incident-response',
  'notification',
  'notification-ack',
]);

/** What loadRecord read of one channel: the engagement entries up to `heads`, in causal order. */
interface CachedRecord {
  heads: Record<string, { seq: number; id: string }>;
  entries: readonly RecordEntry[];
}

// Per store and channel. Feeds are append-only and a fork is never stored, so the entries up to
// a feed's head (seq and id) never change: the heads are a safe key, and a newer set of heads
// only adds entries after the cached ones (read per feed, from the cached seq on).
const records = new WeakMap<Store, Map<string, CachedRecord>>();

/**
 * The engagement entries of `author`'s feed from `fromSeq` through `toSeq`:
 * only those leave the database (a busy channel is mostly messages and
 * receipts, and reading all of them made every node start by reading its
 * whole record).
 */
async function engagementRange(store: Store, channel: string, author: string, fromSeq: number, toSeq: number) {
  return store.feedEntriesOfTypes(channel, author, fromSeq, toSeq, engagementTypeList);
}

const engagementTypeList = [...engagementTypes];

/** The cached entries grown to `heads`, or undefined when the cache cannot be extended (a full read is due). */
async function extend(
  store: Store,
  channel: string,
  cached: CachedRecord,
  heads: Record<string, { seq: number; id: string }>,
): Promise<readonly RecordEntry[] | undefined> {
  const added: RecordEntry[] = [];
  for (const [author, was] of Object.entries(cached.heads)) {
    const now = heads[author];
    if (!now || now.seq < was.seq || (now.seq === was.seq && now.id !== was.id)) return undefined;
  }
  for (const [author, head] of Object.entries(heads)) {
    const was = cached.heads[author];
    if (was && was.seq === head.seq) continue;
    // The new entries must chain onto the cached head: otherwise this is not the feed we cached.
    const first = await store.getEntry(channel, author, (was?.seq ?? 0) + 1);
    if (!first || (JSON.parse(first.header) as { prev?: string | null }).prev !== (was?.id ?? null)) return undefined;
    for (const row of await engagementRange(store, channel, author, first.seq, head.seq)) added.push(rowToEntry(row));
  }
  // Only receipts, messages, checkpoints…: the same array, so the fold of it is reused too.
  return added.length === 0 ? cached.entries : causalOrder([...cached.entries, ...added]);
}

/**
 * Every engagement entry of a channel held by this node, in causal order.
 * Cached per store and channel, keyed by the feeds' heads: a read with no
 * new entries costs one heads query, and new entries are read per feed from
 * the cached seq on. The array is shared between callers: do not change it.
 */
export async function loadRecord(store: Store, channel: string): Promise<readonly RecordEntry[]> {
  const heads = Object.fromEntries(
    Object.entries(await store.heads(channel)).map(([a, h]) => [a, { seq: h.seq, id: h.id }]),
  );
  const byChannel = records.get(store) ?? new Map<string, CachedRecord>();
  records.set(store, byChannel);
  const cached = byChannel.get(channel);
  const same =
    cached !== undefined &&
    Object.keys(heads).length === Object.keys(cached.heads).length &&
    Object.entries(heads).every(([a, h]) => cached.heads[a]?.seq === h.seq && cached.heads[a]?.id === h.id);
  if (same) return cached.entries;
  const grown = cached ? await extend(store, channel, cached, heads) : undefined;
  const entries = grown ?? (await readAll(store, channel, heads));
  byChannel.set(channel, { heads, entries });
  return entries;
}

/** Every engagement entry up to `heads` (an entry stored after they were read waits for the next call). */
async function readAll(
  store: Store,
  channel: string,
  heads: Record<string, { seq: number; id: string }>,
): Promise<RecordEntry[]> {
  const out: RecordEntry[] = [];
  for (const [author, head] of Object.entries(heads))
    for (const row of await engagementRange(store, channel, author, 1, head.seq)) out.push(rowToEntry(row));
  return causalOrder(out);
}
