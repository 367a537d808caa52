import type { FeedHead } from '@parley/record';
import type { Store } from '../store/store.js';

/**
 * The head of each feed as this process last committed or read it
 * (decision 0030). A hint, never the truth: a peer's batch is verified
 * against it without a read of the store, and the store checks under the
 * feed's lock that what it is given continues the true head
 * (PARLEY_E_GAP / PARLEY_E_PREV_MISMATCH otherwise). Another process
 * writing the same database (scale-out) leaves a hint behind; the caller
 * then forgets the channel's hints and verifies again from the store.
 */
export class KnownHeads {
  /** `channel/author` → the head, or null for a feed known to be empty. */
  readonly #heads = new Map<string, FeedHead | null>();
  /** Bounds the map: a node holds a few feeds per channel; past this, hints are dropped, oldest first. */
  readonly #max: number;

  constructor(max = 4096) {
    this.#max = max;
  }

  /** The feed's head: the hint if held, else read from the store (and held from then on). */
  async head(store: Store, channel: string, author: string): Promise<{ head: FeedHead | undefined; hinted: boolean }> {
    const held = this.#heads.get(key(channel, author));
    if (held !== undefined) return { head: held ?? undefined, hinted: true };
    const head = await store.head(channel, author);
    this.note(channel, author, head);
    return { head, hinted: false };
  }

  /** A head just committed or read. An older one than the hint held (two writes finishing out of order) is ignored. */
  note(channel: string, author: string, head: FeedHead | undefined): void {
    const k = key(channel, author);
    const held = this.#heads.get(k);
    if (held && (!head || head.seq < held.seq)) return;
    this.#heads.delete(k);
    this.#heads.set(k, head ?? null);
    if (this.#heads.size > this.#max) this.#heads.delete(this.#heads.keys().next().value!);
  }

  /** Forgets a channel's hints: the store is read again. */
  forget(channel: string): void {
    for (const k of this.#heads.keys()) if (k.startsWith(`${channel}/`)) this.#heads.delete(k);
  }
}

const key = (channel: string, author: string) => `${channel}/${author}`;
