/** Capped exponential backoff with jitter, reset by any sign of life from the peer. */
export class Backoff {
  readonly #baseMs: number;
  readonly #capMs: number;
  #failures = 0;

  constructor(baseMs = 100, capMs = 3000) {
    this.#baseMs = baseMs;
    this.#capMs = capMs;
  }

  get failures(): number {
    return this.#failures;
  }

  /** Records a failure and returns how long to wait before the next try. */
  fail(): number {
    this.#failures++;
    const exp = Math.min(this.#capMs, this.#baseMs * 2 ** (this.#failures - 1));
    return Math.round(exp / 2 + (Math.random() * exp) / 2);
  }

  reset(): void {
    this.#failures = 0;
  }
}

/** A promise that resolves after `ms` or as soon as `wake()` is called, whichever comes first. */
export class Waker {
  #resolve: (() => void) | undefined;
  #pending = false;

  wake(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#resolve = undefined;
        self.#pending = false;
        resolve();
      }
      this.#resolve = done;
    });
  }
}
