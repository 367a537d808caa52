import type { Mark } from './timeline-recorder.js';

/** One step of a round trip: when it happened (median, from the round's start) and the gap before it. */
export interface TimelineStep {
  /** `A:` or `B:` and the mark's name. */
  step: string;
  atMs: number;
  sinceMs: number;
}

export interface Timeline {
  rounds: number;
  /** Rounds whose marks came in the most common order (the steps are theirs). */
  typical: number;
  steps: TimelineStep[];
}

/**
 * Lines up the marks of two processes by round: a round runs from A's
 * `round<` to its `round>`, and holds every mark of either process in
 * between. The rounds whose marks came in the most common order give the
 * steps, each at the median of its time from the round's start; the gap
 * before a step is the median of that gap, so the gaps tell where the time
 * goes. Rounds in another order (a heartbeat or a checkpoint fell inside)
 * are counted, not used.
 */
export function timeline(a: readonly Mark[], b: readonly Mark[]): Timeline {
  return timelineOf({ A: a, B: b }, 'A');
}

/**
 * The same for any number of processes, each named by a label its steps
 * carry (`A:`, `B:`, `C:`…); rounds run from `round<` to `round>` of the
 * process labelled `by`.
 */
export function timelineOf(processes: Readonly<Record<string, readonly Mark[]>>, by: string): Timeline {
  const all = Object.entries(processes)
    .flatMap(([label, marks]) => marks.map(([t, n]) => [t, `${label}:${n}`] as const))
    .sort((x, y) => x[0] - y[0]);
  const [start, end] = [`${by}:round<`, `${by}:round>`];
  const rounds: Array<Array<readonly [number, string]>> = [];
  let current: Array<readonly [number, string]> | undefined;
  for (const m of all) {
    if (m[1] === start) current = [m];
    else if (current) {
      current.push(m);
      if (m[1] === end) {
        rounds.push(current);
        current = undefined;
      }
    }
  }
  const byOrder = new Map<string, Array<Array<readonly [number, string]>>>();
  for (const r of rounds) {
    const key = r.map((m) => m[1]).join(' ');
    byOrder.set(key, [...(byOrder.get(key) ?? []), r]);
  }
  const typical = [...byOrder.values()].sort((x, y) => y.length - x.length)[0] ?? [];
  const first = typical[0] ?? [];
  const steps = first.map((m, i) => ({
    step: m[1],
    atMs: median(typical.map((r) => (r[i]![0] - r[0]![0]) / 1000)),
    sinceMs: i === 0 ? 0 : median(typical.map((r) => (r[i]![0] - r[i - 1]![0]) / 1000)),
  }));
  return { rounds: rounds.length, typical: typical.length, steps };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
