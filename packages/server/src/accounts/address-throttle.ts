import type { Clock } from '../clock/clock.js';

/**
 * Counts failed sign-ins per client address in a sliding window, in memory
 * (per process: several processes over one database each count their own).
 * Bounded: past `maxAddresses` the address seen least recently is forgotten.
 */
export class AddressThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;

  constructor(clock: Clock, limit: number, windowMs: number, maxAddresses = 10_000) {
    this.#clock = clock;
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxAddresses = maxAddresses;
  }

  /** Milliseconds until `address` may try again, or 0 when it may now. */
  retryAfterMs(address: string): number {
    const recent = this.#recent(address);
    if (recent.length < this.#limit) return 0;
    return recent[recent.length - this.#limit]! + this.#windowMs - this.#clock.now();
  }

  fail(address: string): void {
    const recent = this.#recent(address);
    recent.push(this.#clock.now());
    this.#failures.delete(address);
    this.#failures.set(address, recent.slice(-this.#limit));
    if (this.#failures.size > this.#maxAddresses) this.#failures.delete(this.#failures.keys().next().value!);
  }

  #recent(address: string): number[] {
    const since = this.#clock.now() - this.#windowMs;
    return (this.#failures.get(address) ?? []).filter((t) => t > since);
  }
}
