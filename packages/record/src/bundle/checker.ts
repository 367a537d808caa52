import {
  type BundleMeta,
  bundleMetaSchema,
  type Claim,
  isParleyError,
  ParleyError,
  validateCharter,
} from '@parley/contract';
import { type SignedCharter, verifyCharter } from '../charter/charter.js';
import { bytesEqual } from '../crypto/hash.js';
import { fromBase64url, toBase64 } from '../encoding/base64.js';
import { type CheckedEntry, checkBody, checkEntryForm, checkSignature } from '../entry/check.js';
import { KeyHistory } from '../keys/key-history.js';
import { checkRotationProof } from '../keys/key-rotate.js';
import { MerkleTree } from '../merkle/index.js';
import { type VerifiedCheckpoint, verifyBundleCheckpoint } from './checkpoints.js';
import { type MatchedCheckpoint, proveNoReference, proveStored, type Seen, WindowTracker } from './claims.js';
import { FeedRuns } from './feed-runs.js';
import { AnswerTracker, proveNoAnswer } from './no-answer.js';
import { checkProofs, type PendingInclusion, proveInclusions } from './proofs.js';
import type { EvidenceReport } from './report.js';

export interface BundleCheckerOptions {
  /** Replaces the inline signature check, e.g. to verify on worker threads; failures must surface before finish(). */
  checkSignature?: (entry: CheckedEntry, index: number) => void;
}

interface Deferred {
  author: string;
  seq: number;
  id: string;
  by: string;
  bySeq: number;
}

/**
 * Verifies an evidence bundle incrementally, so a bundle of any size can be
 * streamed: first everything but the entries (the meta), then each entry in
 * turn (ascending seq within each author; authors may interleave), then
 * finish() settles proofs and claims and returns the report. Any failure
 * throws a ParleyError; errors about an entry carry its `entry` index.
 *
 * @example
 * const checker = new BundleChecker(meta);
 * bundle.entries.forEach((e, i) => checker.entry(e, i));
 * const report = checker.finish();
 */
export class BundleChecker {
  readonly #meta: BundleMeta;
  readonly #keys: KeyHistory;
  readonly #options: BundleCheckerOptions;
  readonly #feeds = new Map<string, FeedRuns>();
  readonly #trees = new Map<string, MerkleTree>();
  readonly #disclosed = new Map<string, number>();
  readonly #seen = new Map<string, Seen>();
  readonly #wanted = new Set<string>();
  readonly #windows: WindowTracker[];
  readonly #answers: AnswerTracker[];
  readonly #checkpoints: VerifiedCheckpoint[];
  readonly #rootChecks = new Map<string, Map<number, VerifiedCheckpoint[]>>();
  readonly #matched = new Set<number>();
  readonly #deferred: Deferred[] = [];
  readonly #rotations = new Map<string, 'proven' | 'type-only'>();
  readonly #report: EvidenceReport;
  #channel: string | undefined;

  constructor(meta: unknown, options: BundleCheckerOptions = {}) {
    this.#options = options;
    this.#meta = parseMeta(meta);
    this.#keys = KeyHistory.fromTable(this.#meta.keys);
    this.#report = this.#startReport();
    this.#checkpoints = (this.#meta.checkpoints ?? []).map((note, i) => this.#checkpoint(i, note));
    this.#report.proofs.push(...checkProofs(this.#meta.proofs ?? [], this.#checkpoints, this.#keys));
    for (const proof of this.#meta.proofs ?? []) if (proof.type === 'inclusion') this.#wanted.add(proof.entry);
    for (const claim of this.#meta.claims ?? []) this.#want(claim);
    this.#windows = (this.#meta.claims ?? []).flatMap((c) => (c.kind === 'no-reference' ? [new WindowTracker(c)] : []));
    this.#answers = (this.#meta.claims ?? []).flatMap((c) => (c.kind === 'no-answer' ? [new AnswerTracker(c)] : []));
  }

  /** Checks the entry at position `index` of the bundle's entries. */
  entry(raw: unknown, index: number): void {
    try {
      this.#entry(raw);
    } catch (error) {
      throw atEntry(error, index, raw);
    }
  }

  #entry(raw: unknown): void {
    const entry = checkEntryForm(raw);
    const { header } = entry;
    this.#place(entry);
    (this.#options.checkSignature ?? checkSignature)(entry, 0);
    const feed = this.#feed(header.author);
    feed.add(header.seq, entry.hash, header.prev, header.time);
    this.#trackKeys(entry);
    if (entry.body !== undefined) {
      checkBody(entry);
      this.#disclosed.set(header.author, (this.#disclosed.get(header.author) ?? 0) + 1);
    }
    this.#heads(entry);
    this.#grow(entry);
    if (this.#wanted.has(entry.id)) this.#seen.set(entry.id, { header });
    for (const window of this.#windows) window.observe(header);
    for (const tracker of this.#answers) tracker.observe(entry);
  }

  /** Settles heads references, Merkle proofs and claims; returns what the bundle proves. */
  finish(): EvidenceReport {
    for (const d of this.#deferred) this.#checkHead(d, true);
    const report = this.#report;
    for (const [author, feed] of [...this.#feeds].sort(([a], [b]) => a.localeCompare(b))) {
      report.feeds.push({ author, entries: feed.count, disclosed: this.#disclosed.get(author) ?? 0, runs: feed.runs });
    }
    report.proofs.push(...proveInclusions(this.#inclusions(), this.#checkpoints, this.#feeds, this.#matched));
    this.#settleRotations();
    this.#settleClaims();
    report.statements.push(...describe(report));
    return report;
  }

  #startReport(): EvidenceReport {
    const channel = this.#meta.channel;
    let keysAnchored = false;
    if (channel) {
      const charter = validateCharter(channel.charter);
      verifyCharter(channel as unknown as SignedCharter);
      this.#channel = channel.id;
      keysAnchored = anchorKeys(charter.members, this.#meta.keys);
    }
    return {
      format: 'parley-evidence/1',
      channel: channel
        ? {
            id: channel.id,
            members: (channel.charter.members as Array<{ id: string }>).map((m) => m.id),
            name: String(channel.charter.name),
          }
        : null,
      keysAnchored,
      feeds: [],
      checkpoints: [],
      proofs: [],
      claims: [],
      notes: [],
      statements: [],
    };
  }

  #checkpoint(index: number, note: string): VerifiedCheckpoint {
    const cp = verifyBundleCheckpoint(index, note, this.#keys);
    this.#fixChannel(cp.channel);
    const bySize = this.#rootChecks.get(cp.author) ?? new Map<number, VerifiedCheckpoint[]>();
    bySize.set(cp.size, [...(bySize.get(cp.size) ?? []), cp]);
    this.#rootChecks.set(cp.author, bySize);
    const { checkpoint: _c, channel: _ch, ...report } = cp;
    this.#report.checkpoints.push(report);
    return cp;
  }

  #fixChannel(channel: string): void {
    this.#channel ??= channel;
    if (channel !== this.#channel)
      throw new ParleyError('PARLEY_E_WRONG_CHANNEL', { got: channel, expected: this.#channel });
  }

  #want(claim: Claim): void {
    this.#wanted.add(claim.entry);
    if (claim.kind === 'stored') this.#wanted.add(claim.witness);
    if (claim.kind === 'no-answer') this.#wanted.add(claim.receipt);
  }

  #place({ header }: CheckedEntry): void {
    this.#fixChannel(header.channel);
    if (!this.#keys.has(header.author)) {
      throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: header.author, channel: header.channel });
    }
    if (this.#keys.keyAt(header.author, header.seq) !== header.key) {
      throw new ParleyError('PARLEY_E_KEY_NOT_VALID', { key: header.key, author: header.author, seq: header.seq });
    }
    const feed = this.#feeds.get(header.author);
    if (feed && header.seq <= feed.lastSeq) {
      throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', {
        reason: `entries of ${header.author} are not in ascending seq order (seq ${header.seq} after ${feed.lastSeq})`,
        unsorted: true,
      });
    }
  }

  #feed(author: string): FeedRuns {
    let feed = this.#feeds.get(author);
    if (!feed) {
      feed = new FeedRuns(author);
      this.#feeds.set(author, feed);
    }
    return feed;
  }

  #trackKeys({ header, body }: CheckedEntry): void {
    const asserted = this.#keys.rotationAfter(header.author, header.seq);
    if (header.type !== 'key-rotate') {
      if (asserted) {
        throw new ParleyError('PARLEY_E_KEY_HISTORY', {
          party: header.author,
          reason: `the keys section changes key after seq ${header.seq}, which is a ${header.type}, not a key-rotate`,
        });
      }
      return;
    }
    if (!asserted) return;
    const tag = `${header.author}@${header.seq}`;
    if (body === undefined) {
      this.#rotations.set(tag, 'type-only');
      return;
    }
    const { newKey, proof } = body as { newKey: string; proof: string };
    if (newKey !== asserted.key) {
      throw new ParleyError('PARLEY_E_KEY_HISTORY', {
        party: header.author,
        reason: `key-rotate at seq ${header.seq} names another key than the keys section`,
      });
    }
    checkRotationProof(
      { channel: header.channel, author: header.author, seq: header.seq, oldKey: header.key, newKey },
      proof,
    );
    this.#rotations.set(tag, 'proven');
  }

  #heads({ header }: CheckedEntry): void {
    for (const [author, head] of Object.entries(header.heads)) {
      const d = { author, seq: head.seq, id: head.id, by: header.author, bySeq: header.seq };
      if (!this.#checkHead(d, false)) this.#deferred.push(d);
    }
  }

  /** Compares a heads reference with the bundle's entry at that seq; false if that entry may still come. */
  #checkHead(d: Deferred, final: boolean): boolean {
    const feed = this.#feeds.get(d.author);
    const id = feed?.idAt(d.seq);
    if (id === undefined) return final || (feed !== undefined && feed.lastSeq >= d.seq);
    if (!bytesEqual(id, fromBase64url(d.id, 'heads id', 32))) {
      throw new ParleyError('PARLEY_E_FORK', { author: d.author, seq: d.seq, witness: `${d.by} seq ${d.bySeq}` });
    }
    return true;
  }

  /** Recomputes each feed's Merkle root from seq 1 and compares it with every checkpoint of that size. */
  #grow({ header, hash }: CheckedEntry): void {
    const sizes = this.#rootChecks.get(header.author);
    if (!sizes) return;
    let tree = this.#trees.get(header.author);
    if (!tree) {
      if (header.seq !== 1) return;
      tree = new MerkleTree();
      this.#trees.set(header.author, tree);
    }
    if (tree.size !== header.seq - 1) return;
    tree.append(hash);
    for (const cp of sizes.get(tree.size) ?? []) {
      if (toBase64(tree.root()) !== cp.root) {
        throw new ParleyError('PARLEY_E_EQUIVOCATION', { origin: cp.origin, size1: cp.size, size2: cp.size });
      }
      this.#matched.add(cp.index);
    }
  }

  #inclusions(): PendingInclusion[] {
    return (this.#meta.proofs ?? []).flatMap((p, i) =>
      p.type === 'inclusion' ? [{ index: i, proof: p, seen: this.#seen.get(p.entry) }] : [],
    );
  }

  #settleRotations(): void {
    for (const [party, ranges] of Object.entries(this.#meta.keys)) {
      for (const range of ranges.slice(1)) {
        const state = this.#rotations.get(`${party}@${range.fromSeq - 1}`);
        if (state !== 'proven') {
          this.#report.notes.push(
            `${party}'s key from seq ${range.fromSeq} is asserted by the bundle: its key-rotate entry (seq ${range.fromSeq - 1}) is ${state === 'type-only' ? 'present but its body is withheld' : 'not included'}`,
          );
        }
      }
    }
  }

  #settleClaims(): void {
    const matched: MatchedCheckpoint[] = this.#checkpoints.filter((c) => this.#matched.has(c.index));
    let windows = 0;
    let answers = 0;
    (this.#meta.claims ?? []).forEach((claim, index) => {
      const statement =
        claim.kind === 'stored'
          ? proveStored(index, claim, this.#seen, this.#feeds)
          : claim.kind === 'no-answer'
            ? proveNoAnswer(index, this.#answers[answers++]!, this.#seen, this.#feeds, matched)
            : proveNoReference(index, this.#windows[windows++]!, this.#seen, this.#feeds, matched);
      this.#report.claims.push({ index, kind: claim.kind, statement });
    });
  }
}

function parseMeta(meta: unknown): BundleMeta {
  const parsed = bundleMetaSchema.safeParse(meta);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', {
      reason: `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    });
  }
  return parsed.data;
}

/** True when each party's first key is its charter key; throws if the keys section names a non-member. */
function anchorKeys(members: ReadonlyArray<{ id: string; key: string }>, keys: BundleMeta['keys']): boolean {
  const charterKeys = new Map(members.map((m) => [m.id, m.key]));
  for (const [party, ranges] of Object.entries(keys)) {
    const key = charterKeys.get(party);
    if (key === undefined)
      throw new ParleyError('PARLEY_E_KEY_HISTORY', { party, reason: 'not a member of the charter' });
    if (ranges[0]!.key !== key)
      throw new ParleyError('PARLEY_E_KEY_HISTORY', { party, reason: 'first key is not the charter key' });
  }
  return true;
}

function atEntry(error: unknown, index: number, raw: unknown): unknown {
  if (!isParleyError(error)) return error;
  const header = (raw as { header?: { author?: unknown; seq?: unknown } } | null)?.header;
  const where = { entry: index, author: String(header?.author ?? '?'), seq: Number(header?.seq ?? 0) };
  const wrapped = new ParleyError(error.code, { ...where, ...error.details });
  return Object.assign(wrapped, { proof: (error as { proof?: unknown }).proof });
}

const entries = (n: number) => (n === 1 ? '1 entry' : `${n} entries`);
const seqs = (from: number, to: number) => (from === to ? `seq ${from}` : `seq ${from}–${to}`);
const times = (from: string, to: string) => (from === to ? `at ${from}` : `${from} to ${to}`);

function describe(report: EvidenceReport): string[] {
  const lines: string[] = [];
  if (report.channel) {
    lines.push(
      `channel ${report.channel.id} ("${report.channel.name}"): charter signed by every member (${report.channel.members.join(', ')})`,
    );
  }
  lines.push(
    report.keysAnchored ? 'keys: anchored in the charter' : 'keys: as listed in the bundle (no charter to anchor them)',
  );
  for (const f of report.feeds) {
    const runs = f.runs.map((r) => `${seqs(r.fromSeq, r.toSeq)} (${times(r.fromTime, r.toTime)})`).join(', ');
    lines.push(
      `${f.author}: ${entries(f.entries)} authentic and chained, ${f.disclosed} with bodies disclosed: ${runs}`,
    );
  }
  for (const c of report.checkpoints) {
    const cos = c.cosigners.map((s) => `${s.party} at ${s.time}`).join(', ') || 'no cosigners';
    lines.push(`checkpoint ${c.index}: ${c.author}'s feed had ${entries(c.size)} (root ${c.root}); cosigned by ${cos}`);
  }
  lines.push(
    ...report.proofs,
    ...report.claims.map((c) => `claim ${c.index}: ${c.statement}`),
    ...report.notes.map((n) => `note: ${n}`),
  );
  return lines;
}
