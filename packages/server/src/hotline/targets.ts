import { ParleyError, type Precedence, precedences } from '@parley/contract';

/**
 * Handling targets as the command line writes them, `FLASH=1,IMMEDIATE=2`:
 * minutes per precedence, the rest left to the charter's defaults.
 */
export function parseTargets(text: string): Partial<Record<Precedence, number>> {
  const out: Partial<Record<Precedence, number>> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, minutes, ...rest] = part.split('=');
    const precedence = name?.trim().toUpperCase() as Precedence;
    const n = Number(minutes);
    if (rest.length > 0 || !precedences.includes(precedence) || !Number.isInteger(n) || n < 1)
      throw new ParleyError('PARLEY_E_USAGE', {
        reason: `--targets takes PRECEDENCE=MINUTES pairs (${precedences.join(', ')}; whole minutes ≥ 1), not "${part}"`,
      });
    out[precedence] = n;
  }
  return out;
}
