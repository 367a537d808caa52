/** Test helpers: mutate a copy of an example, and read the failure of validateBody. */
import assert from 'node:assert/strict';
import { isParleyError } from '../errors/index.js';
import type { EntryType } from './body-schemas.js';
import { examples } from './examples.js';
import { validateBody } from './validate-body.js';

type Json = Record<string, unknown>;

/** A deep copy of the example of `type`, changed by `change`. */
export function changed(type: EntryType, change: (body: Json) => void): Json {
  const body = structuredClone(examples[type]) as Json;
  change(body);
  return body;
}

/** The path and reason validateBody names; fails the test if the body passes. */
export function failure(type: string, body: unknown): { path: unknown; reason: unknown } {
  try {
    validateBody(type, body);
  } catch (error) {
    assert.ok(isParleyError(error, 'PARLEY_E_SCHEMA'), String(error));
    assert.equal(error.details.type, type);
    return { path: error.details.path, reason: error.details.reason };
  }
  assert.fail(`${type} body passed: ${JSON.stringify(body)}`);
}

const step = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\["([^"]*)"\]/gy;

function keysOf(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  step.lastIndex = 0;
  for (let m = step.exec(path); m !== null; m = step.exec(path)) keys.push(m[2] ? Number(m[2]) : (m[1] ?? m[3] ?? ''));
  return keys;
}

function parentOf(target: unknown, path: string): [Record<string | number, unknown>, string | number] {
  const keys = keysOf(path);
  const last = keys.pop() ?? '';
  let at = target as Record<string | number, unknown>;
  for (const key of keys) at = at[key] as Record<string | number, unknown>;
  return [at, last];
}

/** A change setting the value at a `formatPath` path: `set('slots[1].start', 'tomorrow')`. */
export function set(path: string, value: unknown): (body: Json) => void {
  return (body) => {
    const [parent, key] = parentOf(body, path);
    parent[key] = value;
  };
}

/** A change deleting the field at a path. */
export function drop(path: string): (body: Json) => void {
  return (body) => {
    const [parent, key] = parentOf(body, path);
    delete parent[key];
  };
}

/** A bad variant of an example, the path it must be refused at, and a fragment of the reason. */
export type BadCase = readonly [type: EntryType, change: (body: Json) => void, path: string, reason: string | RegExp];

export function assertRefused([type, change, path, reason]: BadCase): void {
  const found = failure(type, changed(type, change));
  assert.equal(found.path, path, `${type}: ${String(found.reason)}`);
  if (typeof reason === 'string') assert.ok(String(found.reason).includes(reason), String(found.reason));
  else assert.match(String(found.reason), reason);
}
