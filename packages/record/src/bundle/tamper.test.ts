import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorCode, isParleyError } from '@parley/contract';
import { clone } from '../test-util/factory.js';
import { checkpointBound, unansweredBundle, unansweredCase } from './_util.js';
import { verifyBundle } from './verify.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Which codes a change in each part of a bundle may give. */
const expected: Array<[RegExp, ErrorCode[]]> = [
  [/^entries\.\d+\.body\./, ['PARLEY_E_BODY_HASH', 'PARLEY_E_SCHEMA']],
  [/^entries\.\d+\.sig$/, ['PARLEY_E_BAD_SIGNATURE', 'PARLEY_E_ENCODING']],
  [/^entries\.\d+\.header\.key$/, ['PARLEY_E_KEY_NOT_VALID', 'PARLEY_E_HEADER']],
  [/^entries\.\d+\.header\.channel$/, ['PARLEY_E_WRONG_CHANNEL', 'PARLEY_E_HEADER']],
  [/^entries\.\d+\.header\.author$/, ['PARLEY_E_UNKNOWN_AUTHOR', 'PARLEY_E_KEY_NOT_VALID', 'PARLEY_E_HEADER']],
  [/^entries\.\d+\.header\./, ['PARLEY_E_BAD_SIGNATURE', 'PARLEY_E_HEADER']],
  [/^keys\./, ['PARLEY_E_KEY_NOT_VALID', 'PARLEY_E_KEY_HISTORY', 'PARLEY_E_BUNDLE_FORMAT']],
  [/^channel\./, ['PARLEY_E_CHARTER', 'PARLEY_E_BUNDLE_FORMAT']],
  [/^checkpoints\./, ['PARLEY_E_NOTE', 'PARLEY_E_NOTE_SIGNATURE', 'PARLEY_E_ENCODING']],
  [/^proofs\./, ['PARLEY_E_MERKLE_PROOF', 'PARLEY_E_BUNDLE_FORMAT']],
  [/^claims\./, ['PARLEY_E_CLAIM', 'PARLEY_E_BUNDLE_FORMAT']],
  [/^format$/, ['PARLEY_E_BUNDLE_FORMAT']],
];

/** A claim's window may move and still be true: a different claim, proven afresh, not a forgery. */
const stillMeaningful = /^claims\.\d+\.(from|to)$/;

function leaves(value: Json, path: string[] = []): string[][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v as Json, [...path, k]));
  }
  return [path];
}

function mutateChar(s: string, at: number): string {
  const c = s[at]!;
  const next = /[a-y]/i.test(c)
    ? String.fromCharCode(c.charCodeAt(0) + 1)
    : /[0-8]/.test(c)
      ? String(Number(c) + 1)
      : c === 'z'
        ? 'a'
        : c === 'Z'
          ? 'A'
          : c === '9'
            ? '0'
            : 'x';
  return s.slice(0, at) + next + s.slice(at + 1);
}

function variants(value: Json): Json[] {
  if (typeof value === 'string') {
    const spots = [...new Set([0, value.length >> 1, value.length - 1])].filter((i) => i >= 0 && i < value.length);
    return value === '' ? ['x'] : spots.map((i) => mutateChar(value, i));
  }
  if (typeof value === 'number') return [value + 1];
  if (typeof value === 'boolean') return [!value];
  return [1];
}

function set(root: Json, path: string[], value: Json): void {
  let node = root as Record<string, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  node[path[path.length - 1]!] = value;
}

function get(root: Json, path: string[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string, Json>)[key]!, root);
}

describe('tampering with a bundle', () => {
  const c = unansweredCase({ afterDeadline: false });
  const { note, proof } = checkpointBound(c.rec, 'cn-jsd', 'us-js', Date.parse(c.deadline) / 1000 + 60);
  const { bundle } = unansweredBundle(c, { checkpoints: [note], proofs: [proof] });
  const original = JSON.parse(JSON.stringify(bundle)) as Json;

  it('verifies untouched', () => {
    assert.equal(verifyBundle(clone(original)).claims.length, 2);
  });

  it('fails with the right code for a change to any field', () => {
    let tried = 0;
    for (const path of leaves(original)) {
      const where = path.join('.');
      if (stillMeaningful.test(where)) continue;
      const codes = expected.find(([re]) => re.test(where))?.[1];
      assert.ok(codes, `no expectation for ${where}`);
      for (const variant of variants(get(original, path))) {
        const copy = clone(original);
        set(copy, path, variant);
        tried++;
        assert.throws(
          () => verifyBundle(copy),
          (e) => isParleyError(e) && codes.includes(e.code),
          `${where} = ${JSON.stringify(variant)} should fail with ${codes.join(' or ')}`,
        );
      }
    }
    assert.ok(tried > 300, `only ${tried} changes tried`);
  });

  it('fails when any byte of a checkpoint note changes', () => {
    const text = note;
    for (let i = 0; i < text.length; i++) {
      const copy = clone(original) as { checkpoints: string[] };
      copy.checkpoints[0] = mutateChar(text, i);
      if (copy.checkpoints[0] === text) continue;
      assert.throws(
        () => verifyBundle(copy),
        (e) => isParleyError(e),
        `byte ${i} of the checkpoint`,
      );
    }
  });

  it('fails when an entry is dropped from the middle of a claimed window, or one is added', () => {
    const dropped = clone(original) as { entries: unknown[] };
    dropped.entries.splice(4, 1);
    assert.throws(
      () => verifyBundle(dropped),
      (e) => isParleyError(e),
    );
    const doubled = clone(original) as { entries: unknown[] };
    doubled.entries.push(clone(doubled.entries[0]));
    assert.throws(
      () => verifyBundle(doubled),
      (e) => isParleyError(e, 'PARLEY_E_BUNDLE_FORMAT'),
    );
  });
});
