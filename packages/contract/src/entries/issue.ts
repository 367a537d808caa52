import type { z } from 'zod';

/** Where validation failed and by which rule; `path` is '' for the value itself. */
export interface Failure {
  readonly path: string;
  readonly reason: string;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['slots', 1, 'start']` → `slots[1].start`; keys that are not identifiers are quoted: `names["zh-Hans"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && identifier.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** True when the object at `path`'s parent lacks the last key: the field is missing, whatever its type. */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let at = input;
  for (const key of path.slice(0, -1)) {
    if (typeof at !== 'object' || at === null) return false;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return typeof at === 'object' && at !== null && !Array.isArray(at) && !Object.hasOwn(at, path.at(-1) as PropertyKey);
}

/** The first issue of a failed parse of `input`, with the path pointing at the offending field itself. */
export function firstFailure(error: z.ZodError, input: unknown): Failure {
  const issue = error.issues[0];
  if (issue === undefined) return { path: '', reason: 'invalid' };
  if (issue.code !== 'custom' && isMissing(input, issue.path))
    return { path: formatPath(issue.path), reason: 'required' };
  switch (issue.code) {
    case 'unrecognized_keys':
      return { path: formatPath([...issue.path, issue.keys[0] ?? '']), reason: 'unknown field' };
    case 'invalid_key':
      return { path: formatPath(issue.path), reason: `bad key: ${issue.issues[0]?.message ?? 'invalid'}` };
    default:
      return { path: formatPath(issue.path), reason: issue.message };
  }
}
