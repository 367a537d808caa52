/**
 * A constructed record for metrics tests: feeds of entries with heads as
 * honest nodes write them (each names what its author has stored of the
 * others), and delivery by hand so a test can hold a link down.
 */
import type { MetricEntry } from './engagement-metrics.js';

export class MetricRecord {
  readonly entries: MetricEntry[] = [];
  readonly #seqs = new Map<string, number>();
  /** stored[a][b]: how much of b's feed a has stored. */
  readonly #stored = new Map<string, Map<string, number>>();
  #counter = 0;

  /** Appends an entry; refs default to the body's request/meeting/commitment/incident/check. */
  add(author: string, type: string, time: string, body: Record<string, unknown> = {}, refs?: string[]): MetricEntry {
    this.#counter++;
    const seq = (this.#seqs.get(author) ?? 0) + 1;
    this.#seqs.set(author, seq);
    const id = `M${String(this.#counter).padStart(42, '0')}`;
    const heads = Object.fromEntries(this.#stored.get(author) ?? new Map<string, number>());
    const named = ['request', 'meeting', 'commitment', 'incident', 'check']
      .map((f) => body[f])
      .filter((v): v is string => typeof v === 'string');
    const entry: MetricEntry = { id, author, seq, type, time, refs: refs ?? named, heads, body };
    this.entries.push(entry);
    return entry;
  }

  /** `to` stores everything written so far by the others (the link carried it). */
  deliver(to: string): void {
    const stored = this.#stored.get(to) ?? new Map<string, number>();
    for (const [party, seq] of this.#seqs) if (party !== to) stored.set(party, seq);
    this.#stored.set(to, stored);
  }
}

export const at = (day: number, hour = 0, minute = 0) => new Date(Date.UTC(2023, 11, day, hour, minute)).toISOString();
export const hourMs = 3_600_000;
