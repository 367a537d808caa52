import { limits } from '@parley/contract';
import type { StoredEntryRow } from '../store/store.js';

/**
 * The rows this process most recently wrote or took in, per feed, as the
 * node's `appended` events hand them over (decision 0023): the push loop
 * takes a batch from here instead of reading back what was committed a
 * moment ago. Only a contiguous run of each feed is kept, so a lookup either
 * finds every row asked for or none, and the store is read as before (rows
 * another process wrote, rows dropped to stay within the bounds).
 *
 * Bounded: at most `perFeed` rows of one feed (its newest) and `total` rows
 * in all, the feeds written longest ago dropped first.
 */
export class RecentRows {
  readonly #feeds = new Map<string, StoredEntryRow[]>();
  #count = 0;

  constructor(
    readonly perFeed: number = limits.batchEntries,
    readonly total: number = 4 * limits.batchEntries,
  ) {}

  /** Rows of one feed, ascending and contiguous, just stored. */
  add(rows: readonly StoredEntryRow[]): void {
    const first = rows[0];
    if (!first) return;
    const key = feedKey(first.channel, first.author);
    const held = this.#feeds.get(key);
    this.#feeds.delete(key); // re-inserted last: the most recently written
    let run: StoredEntryRow[];
    if (held && held[held.length - 1]!.seq + 1 === first.seq) {
      run = held.concat(rows);
      this.#count -= held.length;
    } else {
      if (held) this.#count -= held.length;
      run = rows.slice();
    }
    if (run.length > this.perFeed) run = run.slice(run.length - this.perFeed);
    this.#feeds.set(key, run);
    this.#count += run.length;
    for (const [k, r] of this.#feeds) {
      if (this.#count <= this.total || k === key) break;
      this.#feeds.delete(k);
      this.#count -= r.length;
    }
  }

  /** The rows `from`…`to` of the feed, if all are held; else undefined. */
  range(channel: string, author: string, from: number, to: number): StoredEntryRow[] | undefined {
    const run = this.#feeds.get(feedKey(channel, author));
    if (!run || to < from) return undefined;
    const start = from - run[0]!.seq;
    if (start < 0 || to > run[run.length - 1]!.seq) return undefined;
    return run.slice(start, start + (to - from + 1));
  }

  /** Rows held, in all feeds (for tests and metrics). */
  get size(): number {
    return this.#count;
  }
}

const feedKey = (channel: string, author: string) => `${channel}\u0000${author}`;
