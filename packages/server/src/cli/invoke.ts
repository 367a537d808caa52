import { existsSync, readFileSync, rmSync } from 'node:fs';
import { catalogue, type ErrorCode, ParleyError } from '@parley/contract';
import { openNode } from '../runtime/open-node.js';
import { type OperationName, operations } from '../runtime/operations.js';
import { dataFiles } from '../runtime/paths.js';

interface ServingFile {
  pid: number;
  console: string;
}

/** The running `parley serve` of this data directory, if any (a stale serve.json is removed). */
export function runningServer(dir: string): ServingFile | undefined {
  const path = dataFiles(dir).serving;
  if (!existsSync(path)) return undefined;
  const serving = JSON.parse(readFileSync(path, 'utf8')) as ServingFile;
  try {
    process.kill(serving.pid, 0);
    return serving;
  } catch {
    rmSync(path, { force: true });
    return undefined;
  }
}

/**
 * Runs an operation through the data directory's running server when there
 * is one (so its effects reach the link at once), else directly on the store.
 */
export async function invoke(dir: string, op: OperationName, args: Record<string, unknown> = {}): Promise<unknown> {
  const serving = runningServer(dir);
  if (serving) return remote(dir, serving, op, args);
  const open = await openNode(dir);
  try {
    return await operations[op]({ open }, args);
  } finally {
    await open.close();
  }
}

async function remote(dir: string, serving: ServingFile, op: string, args: Record<string, unknown>): Promise<unknown> {
  const token = readFileSync(dataFiles(dir).controlToken, 'utf8').trim();
  const res = await fetch(`${serving.console}/control/v1/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { code?: string; details?: Record<string, string | number> };
  if (res.ok) return body;
  const code = (body.code && body.code in catalogue ? body.code : 'PARLEY_E_INTERNAL') as ErrorCode;
  throw new ParleyError(code, body.details ?? {});
}
