import { ParleyError } from '@parley/contract';

/** One key of a party and the seqs of its feed it signs (inclusive; `untilSeq` null = still in force). */
export interface KeyRange {
  key: string;
  fromSeq: number;
  untilSeq: number | null;
}

/** The key section of an evidence bundle: party → its key ranges, oldest first. */
export type KeyTable = Record<string, KeyRange[]>;

/**
 * Which Ed25519 key signs which seqs of each party's feed. Starts from the
 * charter's member keys; each `key-rotate` entry at seq n closes the old key
 * at n and opens the new one at n + 1, so old signatures stay verifiable.
 *
 * @example
 * const keys = KeyHistory.fromMembers([{ id: 'us-js', key }]);
 * keys.keyAt('us-js', 1); // key
 */
export class KeyHistory {
  readonly #ranges = new Map<string, KeyRange[]>();

  static fromMembers(members: ReadonlyArray<{ id: string; key: string }>): KeyHistory {
    const history = new KeyHistory();
    for (const member of members) history.#ranges.set(member.id, [{ key: member.key, fromSeq: 1, untilSeq: null }]);
    return history;
  }

  /** From a bundle's key table; checks that each party's ranges start at 1 and are contiguous. */
  static fromTable(table: KeyTable): KeyHistory {
    const history = new KeyHistory();
    for (const [party, ranges] of Object.entries(table)) {
      checkRanges(party, ranges);
      history.#ranges.set(
        party,
        ranges.map((r) => ({ ...r })),
      );
    }
    return history;
  }

  parties(): string[] {
    return [...this.#ranges.keys()];
  }

  /** Every key `party` has had, oldest first. */
  keysOf(party: string): string[] {
    return (this.#ranges.get(party) ?? []).map((r) => r.key);
  }

  has(party: string): boolean {
    return this.#ranges.has(party);
  }

  /** The key that signs `party`'s entry at `seq`, or undefined. */
  keyAt(party: string, seq: number): string | undefined {
    const ranges = this.#ranges.get(party);
    if (!ranges) return undefined;
    for (let i = ranges.length - 1; i >= 0; i--) {
      const range = ranges[i]!;
      if (seq >= range.fromSeq) return range.untilSeq === null || seq <= range.untilSeq ? range.key : undefined;
    }
    return undefined;
  }

  /** The seq from which a new key takes over, if a rotation is recorded right after `seq`. */
  rotationAfter(party: string, seq: number): KeyRange | undefined {
    return this.#ranges.get(party)?.find((r) => r.fromSeq === seq + 1 && r.fromSeq > 1);
  }

  /**
   * Records a rotation by the key-rotate entry at `seq`: the current key
   * signs up to `seq`, `newKey` from `seq + 1`. Idempotent for the same key.
   */
  rotate(party: string, seq: number, newKey: string): void {
    const ranges = this.#ranges.get(party);
    if (!ranges) throw new ParleyError('PARLEY_E_KEY_HISTORY', { party, reason: 'unknown party' });
    const existing = this.rotationAfter(party, seq);
    if (existing) {
      if (existing.key !== newKey) {
        throw new ParleyError('PARLEY_E_KEY_HISTORY', { party, reason: `key-rotate at seq ${seq} names another key` });
      }
      return;
    }
    const last = ranges[ranges.length - 1]!;
    if (last.untilSeq !== null || seq < last.fromSeq) {
      throw new ParleyError('PARLEY_E_KEY_HISTORY', { party, reason: `rotation at seq ${seq} overlaps a later one` });
    }
    last.untilSeq = seq;
    ranges.push({ key: newKey, fromSeq: seq + 1, untilSeq: null });
  }

  toTable(): KeyTable {
    return Object.fromEntries([...this.#ranges].map(([party, ranges]) => [party, ranges.map((r) => ({ ...r }))]));
  }
}

function checkRanges(party: string, ranges: KeyRange[]): void {
  const fail = (reason: string): never => {
    throw new ParleyError('PARLEY_E_KEY_HISTORY', { party, reason });
  };
  if (!Array.isArray(ranges) || ranges.length === 0) fail('no keys');
  ranges.forEach((range, i) => {
    const expectedFrom = i === 0 ? 1 : (ranges[i - 1]!.untilSeq ?? Number.NaN) + 1;
    if (range.fromSeq !== expectedFrom) fail(`range ${i} starts at seq ${range.fromSeq}, expected ${expectedFrom}`);
    const last = i === ranges.length - 1;
    if (!last && range.untilSeq === null) fail(`range ${i} is open but is not the last`);
    if (range.untilSeq !== null && range.untilSeq < range.fromSeq) fail(`range ${i} ends before it starts`);
  });
}
