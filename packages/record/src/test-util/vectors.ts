import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The published vectors, copied into packages/record/vectors with their licences. */
export const vectorsDir = fileURLToPath(new URL('../../vectors/', import.meta.url));

export function readVector(path: string): string {
  return readFileSync(join(vectorsDir, path), 'utf8');
}

export function listVectors(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(vectorsDir, rel)).sort()) {
      const path = join(rel, name);
      if (statSync(join(vectorsDir, path)).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(dir);
  return out;
}
