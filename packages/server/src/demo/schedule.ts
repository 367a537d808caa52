import { type ClockScenario, scenarioClock } from '../clock/clock.js';

/** Near an event the scenario runs at one real second per scenario hour, so answers land minutes, not days, later. */
export const slowRate = 3600;
/** Slow from this long before each event… */
export const marginBefore = 10 * 60_000;
/**
 * …until this long after it: a real second of slack at the slow rate, so an
 * answer delayed by a loaded machine or link still lands within the hour,
 * instead of days later once the clock is fast again.
 */
export const marginAfter = 60 * 60_000;

/** The slow windows around `times` (scenario ms), merged, from `from` on. */
export function slowWindows(from: number, times: readonly number[]): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const lo = Math.max(from, t - marginBefore);
    const hi = t + marginAfter;
    if (hi <= from) continue;
    const last = windows[windows.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else windows.push([lo, hi]);
  }
  return windows;
}

/**
 * The fast rate that takes the scenario from `from` to `present` in about
 * `minutes` real minutes, given the slow windows around the events.
 */
export function fastRateFor(from: number, times: readonly number[], present: number, minutes: number): number {
  const slow = slowWindows(from, times).reduce((n, [lo, hi]) => n + Math.min(hi, present) - lo, 0);
  const fast = Math.max(0, present - from - slow);
  const realMs = Math.max(10_000, minutes * 60_000 - slow / slowRate);
  return Math.max(slowRate, Math.round(fast / realMs));
}

/**
 * The demo's scenario clock: at `from` when the wall clock reads `anchor`,
 * fast between events, slow around each of `times`, and real time once it
 * reaches the present (scenarioClock's rule).
 */
export function demoSchedule(from: number, anchor: number, times: readonly number[], fastRate: number): ClockScenario {
  const windows = slowWindows(from, times);
  const steps: { at: number; rate: number }[] = [];
  let rate = fastRate;
  if (windows[0] && windows[0][0] <= from) {
    rate = slowRate;
    steps.push({ at: windows[0][1], rate: fastRate });
    windows.shift();
  }
  for (const [lo, hi] of windows) steps.push({ at: lo, rate: slowRate }, { at: hi, rate: fastRate });
  return steps.length > 0 ? { start: from, anchor, rate, steps } : { start: from, anchor, rate };
}

/** The wall-clock time at which `spec` meets the present (within a second), or now if it already has. */
export function presentAt(spec: ClockScenario, now = Date.now()): number {
  let wall = now;
  const clock = scenarioClock(spec, { now: () => wall });
  if (clock.now() >= now) return now;
  let lo = now;
  let step = 60_000;
  let hi = now + step;
  for (wall = hi; clock.now() < hi; wall = hi) {
    if (step > 366 * 86_400_000) return Number.POSITIVE_INFINITY;
    lo = hi;
    step *= 2;
    hi = now + step;
  }
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    wall = mid;
    if (clock.now() >= mid) hi = mid;
    else lo = mid;
  }
  return hi;
}
