import { type Claim, ParleyError } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import type { EntryHeader } from '../entry/entry.js';
import type { FeedRuns } from './feed-runs.js';

/** What claims need to know of the entries they name. */
export interface Seen {
  header: EntryHeader;
}

/** A checkpoint whose root was matched against the bundle's own entries 1..size. */
export interface MatchedCheckpoint {
  author: string;
  size: number;
  cosigners: Array<{ party: string; time: string }>;
}

/** Tracks a no-reference claim over one party's entries as they stream by. */
export class WindowTracker {
  readonly claim: Extract<Claim, { kind: 'no-reference' }>;
  lastBefore: number | undefined;
  firstAfter: number | undefined;
  inWindow = 0;
  firstIn: number | undefined;
  lastIn: number | undefined;
  violation: { seq: number; time: string } | undefined;

  constructor(claim: Extract<Claim, { kind: 'no-reference' }>) {
    this.claim = claim;
  }

  observe(header: EntryHeader): void {
    if (header.author !== this.claim.party) return;
    if (header.time < this.claim.from) this.lastBefore = header.seq;
    else if (header.time > this.claim.to) this.firstAfter ??= header.seq;
    else {
      this.inWindow++;
      this.firstIn ??= header.seq;
      this.lastIn = header.seq;
      if (!this.violation && header.refs.includes(this.claim.entry))
        this.violation = { seq: header.seq, time: header.time };
    }
  }
}

function unproven(index: number, kind: string, reason: string): ParleyError {
  return new ParleyError('PARLEY_E_CLAIM', { index, kind, reason });
}

function describe(seen: Seen | undefined, id: string): string {
  if (!seen) return `entry ${id}`;
  const { author, seq, type, time } = seen.header;
  return `${author} ${type} seq ${seq} (${time})`;
}

/** Proves a stored claim or throws PARLEY_E_CLAIM saying what is missing. */
export function proveStored(
  index: number,
  claim: Extract<Claim, { kind: 'stored' }>,
  seen: Map<string, Seen>,
  feeds: Map<string, FeedRuns>,
): string {
  const target = seen.get(claim.entry);
  const witness = seen.get(claim.witness);
  if (!target) throw unproven(index, 'stored', 'the entry is not in the bundle');
  if (!witness) throw unproven(index, 'stored', 'the witness entry is not in the bundle');
  const { author, seq } = target.header;
  const w = witness.header;
  if (w.author !== claim.by) throw unproven(index, 'stored', `the witness is written by ${w.author}, not ${claim.by}`);
  const head = w.heads[author];
  if (!head || head.seq < seq) throw unproven(index, 'stored', `the witness's heads do not reach ${author} seq ${seq}`);
  const feed = feeds.get(author);
  if (!feed?.covers(seq, head.seq)) {
    throw unproven(
      index,
      'stored',
      `the bundle lacks ${author} seq ${seq}–${head.seq}, which tie the entry to the witness's heads`,
    );
  }
  if (toBase64url(feed.idAt(head.seq)!) !== head.id) {
    throw unproven(index, 'stored', `the witness names another entry at ${author} seq ${head.seq}`);
  }
  return `${claim.by} stored ${describe(target, claim.entry)} by ${w.time} (${claim.by} feed seq ${w.seq}, ${w.type})`;
}

/** Proves a no-reference claim or throws PARLEY_E_CLAIM. */
export function proveNoReference(
  index: number,
  tracker: WindowTracker,
  seen: Map<string, Seen>,
  feeds: Map<string, FeedRuns>,
  checkpoints: MatchedCheckpoint[],
): string {
  const { claim } = tracker;
  const fail = (reason: string) => unproven(index, 'no-reference', reason);
  if (!seen.has(claim.entry)) throw fail('the entry it is about is not in the bundle');
  if (tracker.violation) {
    throw fail(`${claim.party} seq ${tracker.violation.seq} (${tracker.violation.time}) refers to the entry`);
  }
  const feed = feeds.get(claim.party);
  const start = tracker.lastBefore ?? 1;
  if (!feed?.runOf(start)) throw fail(`the bundle does not show where ${claim.party}'s window starts`);
  const startNote = tracker.lastBefore === undefined ? 'from its first entry' : `after seq ${tracker.lastBefore}`;
  let endNote: string;
  if (tracker.firstAfter !== undefined) {
    if (!feed.covers(start, tracker.firstAfter))
      throw fail(`the bundle skips entries of ${claim.party} inside the window`);
    endNote = `bounded by seq ${tracker.firstAfter} at ${feed.timeAt(tracker.firstAfter)}`;
  } else {
    const bound = checkpoints.find(
      (c) =>
        c.author === claim.party &&
        c.size >= (tracker.lastIn ?? start) &&
        feed.covers(start, c.size) &&
        c.cosigners.some((s) => s.party !== claim.party && s.time >= claim.to),
    );
    if (!bound) {
      throw fail(
        `nothing shows that ${claim.party} wrote no more entries up to ${claim.to} (no later entry, no checkpoint cosigned after it)`,
      );
    }
    const witness = bound.cosigners.find((s) => s.party !== claim.party && s.time >= claim.to)!;
    endNote = `complete: ${claim.party}'s checkpoint of size ${bound.size} was cosigned by ${witness.party} at ${witness.time}`;
  }
  const span =
    tracker.inWindow === 0 ? 'no entries' : `${tracker.inWindow} entries (seq ${tracker.firstIn}–${tracker.lastIn})`;
  return (
    `${claim.party} wrote ${span} between ${claim.from} and ${claim.to}, ${startNote}, ${endNote}; ` +
    `none refers to ${describe(seen.get(claim.entry), claim.entry)}`
  );
}
