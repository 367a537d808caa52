import { answerTypes, type Claim, ParleyError } from '@parley/contract';
import type { CheckedEntry } from '../entry/check.js';
import { type EntryHeader, entryId, type SignedEntry } from '../entry/entry.js';
import type { JsonValue } from '../jcs/parse.js';
import { type FeedIndex, planStored } from './build.js';
import { type MatchedCheckpoint, proveStored, type Seen } from './claims.js';
import type { FeedRuns } from './feed-runs.js';

type NoAnswerClaim = Extract<Claim, { kind: 'no-answer' }>;

const ANSWERS: ReadonlySet<string> = new Set(answerTypes);

/** True when `entry` (of an answer type) answers `request`: by refs or by its body's `request`. */
export function answers(header: EntryHeader, body: JsonValue | undefined, request: string): boolean {
  if (!ANSWERS.has(header.type)) return false;
  if (header.refs.includes(request)) return true;
  return (body as { request?: unknown } | undefined)?.request === request;
}

interface AnswerTyped {
  seq: number;
  time: string;
  type: string;
  disclosed: boolean;
  answersIt: boolean;
}

/**
 * Watches one no-answer claim as entries stream by: keeps the request (header
 * and body), the party's first entry after the deadline, and every entry of
 * the party whose type could be an answer (only those; a few per request).
 */
export class AnswerTracker {
  readonly claim: NoAnswerClaim;
  request: { header: EntryHeader; body: JsonValue | undefined } | undefined;
  firstAfter: number | undefined;
  readonly answerTyped: AnswerTyped[] = [];

  constructor(claim: NoAnswerClaim) {
    this.claim = claim;
  }

  observe(entry: CheckedEntry): void {
    const { header, body } = entry;
    if (entry.id === this.claim.entry) this.request = { header, body };
    if (header.author !== this.claim.party) return;
    if (header.time > this.claim.deadline) {
      this.firstAfter ??= header.seq;
      return;
    }
    if (ANSWERS.has(header.type)) {
      this.answerTyped.push({
        seq: header.seq,
        time: header.time,
        type: header.type,
        disclosed: body !== undefined,
        answersIt: answers(header, body, this.claim.entry),
      });
    }
  }
}

function unproven(index: number, reason: string): ParleyError {
  return new ParleyError('PARLEY_E_CLAIM', { index, kind: 'no-answer', reason });
}

/** The party's last held seq dated before `time`, scanning the held runs. */
function lastBefore(feed: FeedRuns, time: string): number | undefined {
  let found: number | undefined;
  for (const run of feed.runs) {
    if (run.fromTime >= time) break;
    for (let seq = run.fromSeq; seq <= run.toSeq; seq++) {
      if (feed.timeAt(seq)! < time) found = seq;
      else break;
    }
  }
  return found;
}

/**
 * Proves a no-answer claim or throws PARLEY_E_CLAIM saying what is missing:
 * the request (body disclosed, deadline as claimed, the party among its
 * responders), the party's receipt of it, a complete run of the party's feed
 * from before the receipt and the request to the first entry after the
 * deadline (or to a checkpoint cosigned at or after it), and no entry of an
 * answer type in that run that answers the request or hides its body.
 */
export function proveNoAnswer(
  index: number,
  tracker: AnswerTracker,
  seen: Map<string, Seen>,
  feeds: Map<string, FeedRuns>,
  checkpoints: MatchedCheckpoint[],
): string {
  const { claim } = tracker;
  const fail = (reason: string) => unproven(index, reason);
  const request = tracker.request;
  if (!request) throw fail('the request is not in the bundle');
  if (request.header.type !== 'request') throw fail(`the entry is a ${request.header.type}, not a request`);
  if (request.body === undefined) throw fail("the request's body is withheld, so its deadline is not shown");
  const body = request.body as { deadline?: unknown; principals?: { responder?: Array<{ party?: unknown }> } };
  if (body.deadline !== claim.deadline) {
    throw fail(`the request's deadline is ${String(body.deadline)}, not ${claim.deadline}`);
  }
  if (request.header.author === claim.party) throw fail(`${claim.party} wrote the request itself`);
  const responders = (body.principals?.responder ?? []).map((p) => p.party);
  if (!responders.includes(claim.party)) {
    throw fail(`the request names no responder of ${claim.party} (responders: ${responders.join(', ') || 'none'})`);
  }
  try {
    proveStored(index, { kind: 'stored', entry: claim.entry, by: claim.party, witness: claim.receipt }, seen, feeds);
  } catch (error) {
    const reason = (error as ParleyError).details?.reason;
    throw fail(`the receipt does not show that ${claim.party} stored the request: ${String(reason ?? error)}`);
  }
  const receipt = seen.get(claim.receipt)!.header;
  const feed = feeds.get(claim.party)!;
  const start = Math.min(receipt.seq, lastBefore(feed, request.header.time) ?? 1);
  let end: number;
  let bound: string;
  if (tracker.firstAfter !== undefined) {
    end = tracker.firstAfter;
    if (!feed.covers(start, end)) {
      throw fail(`the bundle skips entries of ${claim.party} between seq ${start} and seq ${end}`);
    }
    bound = `seq ${end} is its first entry after the deadline, at ${feed.timeAt(end)}`;
  } else {
    const ok = (c: MatchedCheckpoint) =>
      c.author === claim.party &&
      c.size >= receipt.seq &&
      c.size >= feed.lastSeq &&
      feed.covers(start, c.size) &&
      c.cosigners.some((s) => s.party !== claim.party && s.time >= claim.deadline);
    const cp = checkpoints.find(ok);
    if (!cp) {
      throw fail(
        `nothing shows that ${claim.party} wrote no more entries up to ${claim.deadline} (no later entry, no checkpoint cosigned after it)`,
      );
    }
    const by = cp.cosigners.find((s) => s.party !== claim.party && s.time >= claim.deadline)!;
    end = cp.size;
    bound = `checkpoint of size ${cp.size} cosigned by ${by.party} at ${by.time}`;
  }
  const inRun = tracker.answerTyped.filter((a) => a.seq >= start && a.seq <= end);
  for (const a of tracker.answerTyped) {
    if (a.answersIt) throw fail(`${claim.party} seq ${a.seq} (${a.type}, ${a.time}) answers the request`);
    if (!a.disclosed) {
      throw fail(`${claim.party} seq ${a.seq} is a ${a.type} whose body is withheld, so it may answer the request`);
    }
  }
  const others =
    inRun.length === 0
      ? 'no entry of an answer type'
      : `${inRun.length} ${inRun.length === 1 ? 'entry' : 'entries'} of an answer type, disclosed, answering other requests`;
  const receiptKind = receipt.type === 'receipt' ? 'receipt' : receipt.type;
  return (
    `${claim.party} stored request ${claim.entry} (${request.header.author} seq ${request.header.seq}) at ${receipt.time} ` +
    `(${receiptKind} seq ${receipt.seq}) and its feed holds no answer to it up to the deadline ${claim.deadline} ` +
    `(seq ${start}..${end}, ${bound}; ${others})`
  );
}

/**
 * Plans a no-answer claim for an exporter: the request's feed from the
 * request to the receipt's heads, the receipt, and the party's feed from
 * before the request and the receipt to its first entry after the deadline
 * (or its last entry: then the caller adds a checkpoint cosigned after the
 * deadline and an inclusion proof, `needsCheckpoint`). `disclose` says which
 * bodies go in: the request's and those of the run's entries of an answer
 * type. Throws PARLEY_E_REQUEST_ANSWERED when the run holds an answer.
 */
export function planNoAnswer(
  request: SignedEntry & { id: string },
  responder: FeedIndex,
  requestFeed: FeedIndex,
  party: string,
  deadline: string,
) {
  const stored = planStored(request, responder, requestFeed, party);
  const all = [...responder.values()].sort((a, b) => a.header.seq - b.header.seq);
  const before = all.filter((e) => e.header.time < request.header.time).pop();
  const after = all.find((e) => e.header.time > deadline);
  const start = Math.min(stored.witness.header.seq, before?.header.seq ?? 1);
  const end = after?.header.seq ?? all[all.length - 1]?.header.seq ?? 0;
  const run: SignedEntry[] = [];
  for (let seq = start; seq <= end; seq++) {
    const entry = responder.get(seq);
    if (!entry) throw new ParleyError('PARLEY_E_GAP', { author: party, expected: seq, got: seq + 1, head: seq - 1 });
    if (entry.header.time <= deadline && answers(entry.header, entry.body, request.id)) {
      throw new ParleyError('PARLEY_E_REQUEST_ANSWERED', {
        request: request.id,
        party,
        seq,
        type: entry.header.type,
        time: entry.header.time,
      });
    }
    run.push(entry);
  }
  const disclose = (e: SignedEntry) =>
    (e.header.author === request.header.author && e.header.seq === request.header.seq) ||
    (e.header.author === party && ANSWERS.has(e.header.type));
  return {
    entries: [...stored.entries, ...run],
    disclose,
    witness: { ...stored.witness, id: entryId(stored.witness.header) },
    needsCheckpoint: after === undefined,
    lastSeq: end,
    start,
  };
}
