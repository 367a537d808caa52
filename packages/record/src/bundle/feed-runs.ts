import { ParleyError } from '@parley/contract';
import { bytesEqual } from '../crypto/hash.js';
import { fromBase64url } from '../encoding/base64.js';

/** A maximal stretch of one feed held contiguously and chained by prev. */
export interface Run {
  fromSeq: number;
  toSeq: number;
  fromTime: string;
  toTime: string;
}

/**
 * One author's entries as a bundle shows them, kept compactly (32 bytes of id
 * and 8 of time per entry) so a million-entry bundle fits in memory while it
 * streams. Entries must come in ascending seq; a jump starts a new run.
 */
export class FeedRuns {
  readonly author: string;
  readonly runs: Run[] = [];
  #ids = new Uint8Array(32 * 64);
  #times = new Float64Array(64);
  #starts: number[] = [];
  #count = 0;
  #lastSeq = 0;

  constructor(author: string) {
    this.author = author;
  }

  get count(): number {
    return this.#count;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Adds the next entry; checks prev and time against the entry before it when that one is held. */
  add(seq: number, id: Uint8Array, prev: string | null, time: string): void {
    const run = this.runs[this.runs.length - 1];
    if (run && seq === run.toSeq + 1) {
      const prevId = this.#idAtIndex(this.#count - 1);
      if (prev === null || !bytesEqual(fromBase64url(prev, 'prev', 32), prevId)) {
        throw new ParleyError('PARLEY_E_PREV_MISMATCH', { author: this.author, seq, prevSeq: seq - 1 });
      }
      if (time < run.toTime) {
        throw new ParleyError('PARLEY_E_TIME_REGRESSION', {
          author: this.author,
          seq,
          time,
          prevSeq: seq - 1,
          prevTime: run.toTime,
        });
      }
      run.toSeq = seq;
      run.toTime = time;
    } else {
      this.runs.push({ fromSeq: seq, toSeq: seq, fromTime: time, toTime: time });
      this.#starts.push(this.#count);
    }
    this.#push(id, time);
    this.#lastSeq = seq;
  }

  /** The id held at `seq`, or undefined. */
  idAt(seq: number): Uint8Array | undefined {
    const index = this.#indexOf(seq);
    return index === undefined ? undefined : this.#idAtIndex(index);
  }

  /** The run holding `seq`, or undefined. */
  runOf(seq: number): Run | undefined {
    return this.runs[this.#runIndex(seq)];
  }

  /** True when every seq in [from, to] is held in one chained run. */
  covers(from: number, to: number): boolean {
    const run = this.runOf(from);
    return run !== undefined && to <= run.toSeq;
  }

  timeAt(seq: number): string | undefined {
    const index = this.#indexOf(seq);
    return index === undefined ? undefined : new Date(this.#times[index]!).toISOString();
  }

  #runIndex(seq: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const run = this.runs[mid]!;
      if (seq < run.fromSeq) hi = mid - 1;
      else if (seq > run.toSeq) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  #indexOf(seq: number): number | undefined {
    const r = this.#runIndex(seq);
    return r < 0 ? undefined : this.#starts[r]! + (seq - this.runs[r]!.fromSeq);
  }

  #idAtIndex(index: number): Uint8Array {
    return this.#ids.subarray(index * 32, index * 32 + 32);
  }

  #push(id: Uint8Array, time: string): void {
    if (this.#count === this.#times.length) {
      const ids = new Uint8Array(this.#ids.length * 2);
      ids.set(this.#ids);
      this.#ids = ids;
      const times = new Float64Array(this.#times.length * 2);
      times.set(this.#times);
      this.#times = times;
    }
    this.#ids.set(id, this.#count * 32);
    this.#times[this.#count] = Date.parse(time);
    this.#count++;
  }
}
