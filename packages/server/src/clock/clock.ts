/**
 * Time as the node sees it. Everything that stamps entries, measures
 * deadlines or schedules link checks asks a Clock, so the demo can run a
 * scenario clock and tests can run a manual one.
 */
export interface Clock {
  /** Milliseconds since the UNIX epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that starts at `start` and runs `rate` times faster than real time. */
export function scaledClock(start: number, rate: number, base: Clock = systemClock): Clock {
  const t0 = base.now();
  return { now: () => start + Math.round((base.now() - t0) * rate) };
}

/** `base` shifted by a fixed `offsetMs` (a node whose clock is wrong by that much). */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  return offsetMs === 0 ? base : { now: () => base.now() + offsetMs };
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** ISO time of `clock`, never earlier than `notBefore` (entry times never go backwards). */
export function stamp(clock: Clock, notBefore?: string): string {
  const now = new Date(clock.now()).toISOString();
  return notBefore !== undefined && notBefore > now ? notBefore : now;
}
