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

/**
 * A scenario clock: the time `start` at the wall-clock instant `anchor`,
 * running `rate` times faster than real time — then, each time it reaches a
 * step's `at`, at that step's rate — until it reaches the real present, and
 * at real time from there on (the minimum of the two lines, so it never goes
 * backwards). It depends only on the wall clock, so every process given the
 * same spec shows the same time.
 */
export interface ClockScenario {
  /** Scenario time at the anchor, ms since the epoch. */
  start: number;
  /** Wall-clock ms since the epoch at which the scenario stands at `start`. */
  anchor: number;
  /** How much faster than real time the scenario runs from `start`. */
  rate: number;
  /** Later rates, each from the scenario time `at` (ascending, after `start`). */
  steps?: readonly { at: number; rate: number }[];
}

export function scenarioClock(s: ClockScenario, base: Clock = systemClock): Clock {
  // Where each segment begins, in wall-clock time.
  const segments = [{ wall: s.anchor, at: s.start, rate: s.rate }];
  for (const step of s.steps ?? []) {
    const last = segments[segments.length - 1]!;
    segments.push({ wall: last.wall + (step.at - last.at) / last.rate, at: step.at, rate: step.rate });
  }
  return {
    now: () => {
      const wall = base.now();
      let k = 0;
      while (k + 1 < segments.length && segments[k + 1]!.wall <= wall) k++;
      const seg = segments[k]!;
      return Math.min(seg.at + Math.floor((wall - seg.wall) * seg.rate), wall);
    },
  };
}

const isoPattern = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z`;
const ratePattern = String.raw`\d+(?:\.\d+)?`;
const headPattern = new RegExp(`^(${isoPattern})@(\\d+)x(${ratePattern})$`);
const stepPattern = new RegExp(`^(${isoPattern})x(${ratePattern})$`);

/**
 * Parses `<startISO>@<wallAnchorMs>x<rate>[;<atISO>x<rate>]…`
 * (PARLEY_CLOCK_SCENARIO); a string saying what is wrong otherwise.
 */
export function parseClockScenario(text: string): ClockScenario | string {
  const [head, ...rest] = text.trim().split(';');
  const m = headPattern.exec(head ?? '');
  if (!m)
    return 'expected <startISO>@<wallAnchorMs>x<rate>[;<atISO>x<rate>]…, e.g. 2022-08-01T00:00:00Z@1764000000000x500000';
  const start = Date.parse(m[1]!);
  const anchor = Number(m[2]);
  const rateProblem = (rate: number) => (rate >= 1 && rate <= 1e9 ? undefined : 'a rate is between 1 and 1e9');
  if (!Number.isFinite(start)) return `start ${m[1]} is not a time`;
  if (!Number.isSafeInteger(anchor)) return 'the wall anchor must be an integer of milliseconds';
  const rate = Number(m[3]);
  if (rateProblem(rate)) return rateProblem(rate)!;
  const steps: { at: number; rate: number }[] = [];
  let last = start;
  for (const part of rest) {
    const sm = stepPattern.exec(part);
    if (!sm) return `step "${part}": expected <atISO>x<rate>`;
    const at = Date.parse(sm[1]!);
    const r = Number(sm[2]);
    if (!Number.isFinite(at) || at <= last) return `step "${part}": times must rise after the start`;
    if (rateProblem(r)) return rateProblem(r)!;
    steps.push({ at, rate: r });
    last = at;
  }
  return steps.length > 0 ? { start, anchor, rate, steps } : { start, anchor, rate };
}

/** The PARLEY_CLOCK_SCENARIO text of `s`. */
export function formatClockScenario(s: ClockScenario): string {
  const steps = (s.steps ?? []).map((step) => `;${new Date(step.at).toISOString()}x${step.rate}`);
  return `${new Date(s.start).toISOString()}@${s.anchor}x${s.rate}${steps.join('')}`;
}
