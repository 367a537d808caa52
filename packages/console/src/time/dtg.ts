const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The date-time group of a UTC time, as the console shows every time:
 * `dtg('2023-12-21T13:05:00.000Z')` is `'211305Z DEC 23'` (same rule as the node's hotline/dtg.ts).
 */
export function dtg(time: string | number | Date): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '—';
  const year = two(((d.getUTCFullYear() % 100) + 100) % 100);
  return `${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}Z ${months[d.getUTCMonth()]} ${year}`;
}

/** The full UTC time with seconds, for tables where minutes are not enough: `2023-12-21 13:05:09Z`. */
export function utcSeconds(time: string | number | Date): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * Time left until a target as `[-]H:MM:SS` (or `[-]MM:SS` under an hour);
 * negative once the target has passed.
 */
export function countdown(msLeft: number): string {
  const sign = msLeft < 0 ? '-' : '';
  const total = Math.floor(Math.abs(msLeft) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${sign}${h}:${two(m)}:${two(s)}` : `${sign}${two(m)}:${two(s)}`;
}
