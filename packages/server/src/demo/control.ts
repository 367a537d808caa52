import { existsSync, readFileSync } from 'node:fs';
import { catalogue, type ErrorCode, ParleyError } from '@parley/contract';
import { dataFiles } from '../runtime/paths.js';

/**
 * Runs one control operation on the `parley serve` of `dir`, as cli/invoke.ts
 * does, by name (so operations other areas add, like `act`, need no import).
 */
export async function control<T = Record<string, unknown>>(
  dir: string,
  op: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const path = dataFiles(dir).serving;
  if (!existsSync(path)) throw new ParleyError('PARLEY_E_USAGE', { reason: `${dir} is not serving` });
  const serving = JSON.parse(readFileSync(path, 'utf8')) as { console: string };
  const token = readFileSync(dataFiles(dir).controlToken, 'utf8').trim();
  const res = await fetch(`${serving.console}/control/v1/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { code?: string; details?: Record<string, string | number> };
  if (res.ok) return body as T;
  const code = (body.code && body.code in catalogue ? body.code : 'PARLEY_E_INTERNAL') as ErrorCode;
  throw new ParleyError(code, body.details ?? {});
}

/** The subset of `parley status` the demo reads. */
export interface DemoStatus {
  channels: Array<{ id: string; state: string; heads: Record<string, number> }>;
  peers: Array<{ party: string; link: { state: string } | null }>;
}

export const statusOf = (dir: string) => control<DemoStatus>(dir, 'status');
