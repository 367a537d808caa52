/** Small order statistics for metrics. Pure. */

/**
 * The p-quantile (0..1) of `values` by the nearest-rank method: the smallest
 * value with at least p·n values at or below it. Undefined for no values.
 *
 * @example
 * quantile([5, 1, 3], 0.5) // 3
 */
export function quantile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

/** Whole days (floored) from `from` to `to`, both ISO times; 0 when `to` is not later. */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 86_400_000));
}

/** `YYYY-MM` of an ISO time (UTC). */
export function monthOf(time: string): string {
  return time.slice(0, 7);
}

/** True when `time` lies in [from, to] (either bound optional, inclusive). */
export function inPeriod(time: string, period: { from?: string | undefined; to?: string | undefined }): boolean {
  return (period.from === undefined || time >= period.from) && (period.to === undefined || time <= period.to);
}
