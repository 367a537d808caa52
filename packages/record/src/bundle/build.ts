import { type Bundle, type Claim, evidenceFormat, ParleyError, type Proof } from '@parley/contract';
import type { SignedCharter } from '../charter/charter.js';
import type { SignedEntry } from '../entry/entry.js';
import type { KeyTable } from '../keys/key-history.js';
import type { EvidenceReport } from './report.js';
import { verifyBundle } from './verify.js';

export interface BundleInput {
  channel?: SignedCharter;
  keys: KeyTable;
  entries: SignedEntry[];
  /** Which entries' bodies to include; all by default. Headers and signatures are always included. */
  disclose?: (entry: SignedEntry) => boolean;
  checkpoints?: string[];
  proofs?: Proof[];
  claims?: Claim[];
}

/**
 * Writes a parley-evidence/1 bundle: entries in record order (time, then
 * author and seq), bodies only where disclosed, then verifies the result as
 * any third party would, so an exporter never hands out a bundle that does
 * not prove its own claims.
 *
 * @example
 * const { bundle, report } = buildBundle({ keys, entries, disclose: (e) => e.header.type === 'request' });
 */
export function buildBundle(input: BundleInput): { bundle: Bundle; report: EvidenceReport } {
  const unique = new Map<string, SignedEntry>();
  for (const entry of input.entries) unique.set(`${entry.header.author}/${entry.header.seq}`, entry);
  const entries = [...unique.values()].sort(recordOrder).map((entry) => {
    const out: SignedEntry = { header: entry.header, sig: entry.sig };
    if (entry.body !== undefined && (input.disclose?.(entry) ?? true)) out.body = entry.body;
    return out;
  });
  const bundle = {
    format: evidenceFormat,
    ...(input.channel ? { channel: input.channel } : {}),
    keys: input.keys,
    entries,
    ...(input.checkpoints?.length ? { checkpoints: input.checkpoints } : {}),
    ...(input.proofs?.length ? { proofs: input.proofs } : {}),
    ...(input.claims?.length ? { claims: input.claims } : {}),
  } as Bundle;
  return { bundle, report: verifyBundle(bundle) };
}

/** Record order: by time, then author, then seq — so heads mostly point backwards and streams stay small. */
export function recordOrder(a: SignedEntry, b: SignedEntry): number {
  const { header: x } = a;
  const { header: y } = b;
  if (x.time !== y.time) return x.time < y.time ? -1 : 1;
  if (x.author !== y.author) return x.author < y.author ? -1 : 1;
  return x.seq - y.seq;
}

/** The entries of one feed, by seq. */
export type FeedIndex = ReadonlyMap<number, SignedEntry>;

/**
 * Plans a `stored` claim: the first entry of `by` whose heads reach the
 * target, and the target's feed from the target up to those heads.
 */
export function planStored(
  target: SignedEntry & { id: string },
  by: FeedIndex,
  targetFeed: FeedIndex,
  byParty: string,
) {
  const { author, seq } = target.header;
  const witness = [...by.values()]
    .sort((a, b) => a.header.seq - b.header.seq)
    .find((e) => (e.header.heads[author]?.seq ?? 0) >= seq) as (SignedEntry & { id?: string }) | undefined;
  if (!witness)
    throw new ParleyError('PARLEY_E_CLAIM', {
      index: 0,
      kind: 'stored',
      reason: `${byParty} never acknowledged ${author} seq ${seq}`,
    });
  const upTo = witness.header.heads[author]!.seq;
  const entries = range(targetFeed, seq, upTo);
  return { witness, entries: [...entries, witness] };
}

/**
 * Plans a `no-reference` claim over `party`'s feed: the complete run of its
 * entries from the last one before `from` to the first one after `to`. When
 * no entry follows `to`, the caller must add a checkpoint cosigned after `to`
 * and an inclusion proof of its last entry (`needsCheckpoint`).
 */
export function planNoReference(feed: FeedIndex, from: string, to: string) {
  const all = [...feed.values()].sort((a, b) => a.header.seq - b.header.seq);
  const before = all.filter((e) => e.header.time < from).pop();
  const after = all.find((e) => e.header.time > to);
  const start = before?.header.seq ?? 1;
  const end = after?.header.seq ?? all[all.length - 1]?.header.seq ?? 0;
  return { entries: range(feed, start, end), needsCheckpoint: after === undefined, lastSeq: end };
}

function range(feed: FeedIndex, from: number, to: number): SignedEntry[] {
  const out: SignedEntry[] = [];
  for (let seq = from; seq <= to; seq++) {
    const entry = feed.get(seq);
    if (!entry) throw new ParleyError('PARLEY_E_GAP', { author: '?', expected: seq, got: seq + 1, head: seq - 1 });
    out.push(entry);
  }
  return out;
}
