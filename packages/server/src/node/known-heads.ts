import type { FeedHead } from '@parley/record';
import type { KnownFeeds } from '../store/store.js';

/**
 * The head of each feed as this process last committed or read it
 * (decision 0030). A hint, never the truth: a peer's batch is verified
 * against it without a read of the store, and the store checks under the
 * feed's lock that what it is given continues the true head
 * (PARLEY_E_GAP / PARLEY_E_PREV_MISMATCH otherwise). Another process
 * writing the same database (scale-out) leaves a hint behind; the caller
 * then forgets the channel's hints and verifies again from the store.
 *
 * Once every feed of a channel has been read with a lock (`noteAll`), the
 * channel's heads are complete: an own entry can then be built before its
 * transaction begins and written without the locked read (decision 0031,
 * `feeds`); the store refuses it, whole, if our feed's head moved meanwhile.
 */
export class KnownHeads {
  /** Channel → its feeds' heads (`author` → the head, or null for a feed known to be empty). */
  readonly #channels = new Map<string, Known>();
  /** Bounds the memory: past this many channels, the least recently noted one is forgotten. */
  readonly #max: number;

  constructor(maxChannels = 1024) {
    this.#max = maxChannels;
  }

  /** The feed's head: the hint if held, else read from the store (and held from then on). */
  async head(
    store: { head(channel: string, author: string): Promise<FeedHead | undefined> },
    channel: string,
    author: string,
  ): Promise<{ head: FeedHead | undefined; hinted: boolean }> {
    const held = this.#channels.get(channel)?.feeds.get(author);
    if (held !== undefined) return { head: held ?? undefined, hinted: true };
    const head = await store.head(channel, author);
    this.note(channel, author, head);
    return { head, hinted: false };
  }

  /** A head just committed or read. An older one than the hint held (two writes finishing out of order) is ignored. */
  note(channel: string, author: string, head: FeedHead | undefined): void {
    const known = this.#touch(channel);
    const held = known.feeds.get(author);
    if (held && (!head || head.seq < held.seq)) return;
    known.feeds.set(author, head ?? null);
  }

  /**
   * Every feed's head of the channel, as read with the lock on one of them:
   * the channel's heads are complete from here on (every later change this
   * process commits is noted).
   */
  noteAll(channel: string, heads: Readonly<Record<string, FeedHead>>): void {
    for (const [author, head] of Object.entries(heads)) this.note(channel, author, head);
    this.#touch(channel).complete = true;
  }

  /**
   * The highest message serial `author` has used in the channel, known to be
   * true while the feed's head is at `atSeq`: offered (by `feeds`) only while
   * the head held is that one, since an own entry written by another process
   * may carry a higher one, and a lock-first write takes such entries in
   * without learning their serials.
   */
  noteSerial(channel: string, author: string, serial: number, atSeq: number): void {
    const known = this.#touch(channel);
    const held = known.serials.get(author);
    if (held && held.atSeq > atSeq) return;
    known.serials.set(author, { serial, atSeq });
  }

  /**
   * What an own entry of `author` can be built on without reading: the
   * feed's head and every other feed's head of the channel, or undefined
   * while the channel's heads are not complete or the feed is empty (its
   * first entry makes its row, under the lock).
   */
  feeds(channel: string, author: string): KnownFeeds | undefined {
    const known = this.#channels.get(channel);
    const head = known?.feeds.get(author);
    if (!known?.complete || !head) return undefined;
    const others: Record<string, FeedHead> = {};
    for (const [other, h] of [...known.feeds].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (other !== author && h) others[other] = h;
    }
    const serial = known.serials.get(author);
    return { author, head, others, ...(serial?.atSeq === head.seq ? { maxSerial: serial.serial } : {}) };
  }

  /** Forgets a channel's hints: the store is read again. */
  forget(channel: string): void {
    this.#channels.delete(channel);
  }

  #touch(channel: string): Known {
    let known = this.#channels.get(channel);
    if (known) this.#channels.delete(channel);
    else known = { feeds: new Map(), complete: false, serials: new Map() };
    this.#channels.set(channel, known);
    if (this.#channels.size > this.#max) this.#channels.delete(this.#channels.keys().next().value!);
    return known;
  }
}

interface Known {
  feeds: Map<string, FeedHead | null>;
  complete: boolean;
  serials: Map<string, { serial: number; atSeq: number }>;
}
