/** A one-line progress bar on stderr, redrawn at most every 100 ms; silent when not a terminal. */
export class Progress {
  readonly #write: (text: string) => void;
  readonly #enabled: boolean;
  readonly #total: number;
  #last = 0;

  constructor(total: number, enabled: boolean, write = (text: string) => process.stderr.write(text)) {
    this.#total = total;
    this.#enabled = enabled;
    this.#write = write;
  }

  update(label: string, done: number, detail = ''): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < 100 && done < this.#total) return;
    this.#last = now;
    const fraction = this.#total > 0 ? Math.min(1, done / this.#total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    this.#write(`\r${label.padEnd(10)} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}\u001b[K`);
  }

  done(): void {
    if (this.#enabled) this.#write('\r\u001b[K');
  }
}
