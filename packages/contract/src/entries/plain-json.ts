import type { Failure } from './issue.js';
import { formatPath } from './issue.js';

/**
 * Finds the first value that is not plain JSON: undefined, a function, a
 * bigint, a symbol, a non-finite number, a sparse array, or an object that is
 * not a plain object (a Date, a Map, a class instance). Signed bodies are
 * canonical JSON, so anything JSON cannot say is refused before the schema.
 */
export function findNonJson(value: unknown, path: PropertyKey[] = []): Failure | null {
  const at: PropertyKey[] = [];
  const reason = scan(value, at);
  return reason === null ? null : fail([...path, ...at], reason);
}

/** The reason `value` is not plain JSON, or null; on failure `at` holds the path (built only then). */
function scan(value: unknown, at: PropertyKey[]): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'not JSON: non-finite number';
  if (typeof value !== 'object') return `not JSON: ${typeof value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const reason = i in value ? scan(value[i], at) : 'not JSON: hole in array';
      if (reason !== null) {
        at.unshift(i);
        return reason;
      }
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return 'not JSON: not a plain object';
  for (const key of Object.keys(value)) {
    const reason = scan((value as Record<string, unknown>)[key], at);
    if (reason !== null) {
      at.unshift(key);
      return reason;
    }
  }
  return null;
}

function fail(path: PropertyKey[], reason: string): Failure {
  return { path: formatPath(path), reason };
}
