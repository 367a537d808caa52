import { ParleyError } from '@parley/contract';

const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/**
 * The date-time group of a UTC time, as messages show it: day, hour and
 * minute, `Z`, month, two-digit year.
 *
 * @example
 * dtg('2023-12-21T13:05:00.000Z'); // '211305Z DEC 23'
 */
export function dtg(time: string | number | Date): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) throw new ParleyError('PARLEY_E_USAGE', { reason: `not a time: ${String(time)}` });
  const two = (n: number) => String(n).padStart(2, '0');
  const day = two(d.getUTCDate());
  const year = two(((d.getUTCFullYear() % 100) + 100) % 100);
  return `${day}${two(d.getUTCHours())}${two(d.getUTCMinutes())}Z ${months[d.getUTCMonth()]} ${year}`;
}
