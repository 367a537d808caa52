import type { Failure } from './issue.js';
import { formatPath } from './issue.js';

/**
 * Finds the first value that is not plain JSON: undefined, a function, a
 * bigint, a symbol, a non-finite number, a sparse array, or an object that is
 * not a plain object (a Date, a Map, a class instance). Signed bodies are
 * canonical JSON, so anything JSON cannot say is refused before the schema.
 */
export function findNonJson(value: unknown, path: PropertyKey[] = []): Failure | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : fail(path, 'not JSON: non-finite number');
  if (typeof value !== 'object') return fail(path, `not JSON: ${typeof value}`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return fail([...path, i], 'not JSON: hole in array');
      const found = findNonJson(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return fail(path, 'not JSON: not a plain object');
  for (const [key, item] of Object.entries(value)) {
    const found = findNonJson(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

function fail(path: PropertyKey[], reason: string): Failure {
  return { path: formatPath(path), reason };
}
