import { limits, ParleyError } from '@parley/contract';
import { utf8 } from '../crypto/hash.js';

/**
 * RFC 8785 (JCS) canonical JSON of a plain JSON value: members sorted by
 * UTF-16 code units, no whitespace, ECMAScript number and string forms.
 * Refuses NaN and infinities, lone surrogates, undefined, functions, bigints,
 * class instances and cycles, naming where the offending value sits.
 *
 * @example
 * canonicalize({ b: 1, a: [true, 1e30] }); // '{"a":[true,1e+30],"b":1}'
 */
export function canonicalize(value: unknown): string {
  // Fast path: when every object's members are already in canonical order (as
  // a canonical sender wrote them) the native JSON.stringify writes exactly the
  // RFC 8785 form; checking that allocates nothing.
  // Strings are not checked one by one: JSON.stringify writes a lone
  // surrogate, in a key or a value, as a `\udxxx` escape, which no other
  // character gets, so one search of the output finds them all (a literal
  // backslash before "ud" also matches, and just takes the general path).
  // Otherwise a copy with sorted members, written natively, unless something
  // needs the general path (array-index names, values with no JSON form).
  const plain = alreadyCanonical(value, 0) ? value : sortedCopy(value, 0);
  if (plain === UNUSUAL) return canonicalizeGeneral(value);
  const text = JSON.stringify(plain);
  return text.includes('\\ud') ? canonicalizeGeneral(value) : text;
}

const UNUSUAL = Symbol('unusual');

function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return value; // well-formedness: see canonicalize
    case 'number':
      return Number.isFinite(value) ? value : UNUSUAL;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (depth >= limits.jsonDepth) return UNUSUAL;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = i in value ? sortedCopy(value[i], depth + 1) : UNUSUAL;
          if (item === UNUSUAL) return UNUSUAL;
          out[i] = item;
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return UNUSUAL;
      const out: Record<string, unknown> = {};
      for (const key of sortedKeys(value)) {
        const first = key.charCodeAt(0);
        if ((first >= 48 && first <= 57 && ARRAY_INDEX.test(key)) || key === '__proto__') return UNUSUAL;
        const item = sortedCopy((value as Record<string, unknown>)[key], depth + 1);
        if (item === UNUSUAL) return UNUSUAL;
        out[key] = item;
      }
      return out;
    }
    default:
      return UNUSUAL;
  }
}

/**
 * Object.keys(value) in UTF-16 code-unit order, as Array#sort orders
 * strings; an insertion sort for the short member lists bodies have, several
 * times cheaper there than the built-in sort.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** The general canonicaliser: sorts members, and names where a value has no canonical form. */
export function canonicalizeGeneral(value: unknown): string {
  // The path is kept as a stack and turned into text only for an error.
  return write(value, [], 0);
}

/** Array-index member names: V8 keeps them first in numeric order, which is not RFC 8785's order. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

/** True when JSON.stringify(value) is its canonical form, lone surrogates aside (canonicalize checks those). */
function alreadyCanonical(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return true; // well-formedness: see canonicalize
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= limits.jsonDepth) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (!(i in value) || !alreadyCanonical(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0 && !(keys[i - 1]! < key)) return false;
        // Only a name that starts with a digit can be an array index.
        const first = key.charCodeAt(0);
        if (first >= 48 && first <= 57 && ARRAY_INDEX.test(key)) return false;
        if (!alreadyCanonical((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** UTF-8 bytes of {@link canonicalize}: what Parley hashes and signs. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalize(value));
}

type Path = Array<string | number>;

function where(path: Path): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
}

function write(value: unknown, path: Path, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new ParleyError('PARLEY_E_JSON_LONE_SURROGATE', { where: where(path) });
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new ParleyError('PARLEY_E_JSON_NUMBER', { where: where(path), reason: String(value) });
      }
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= limits.jsonDepth) throw new ParleyError('PARLEY_E_JSON_DEPTH', { limit: limits.jsonDepth });
      if (Array.isArray(value)) return writeArray(value, path, depth + 1);
      return writeObject(value, path, depth + 1);
    default:
      throw new ParleyError('PARLEY_E_JSON_VALUE', { where: where(path), reason: `${typeof value} has no JSON form` });
  }
}

function writeArray(value: unknown[], path: Path, depth: number): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    path.push(i);
    out += write(value[i], path, depth);
    path.pop();
  }
  return `${out}]`;
}

function writeObject(value: object, path: Path, depth: number): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new ParleyError('PARLEY_E_JSON_VALUE', {
      where: where(path),
      reason: `${proto?.constructor?.name ?? 'object'} is not plain`,
    });
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, exactly as RFC 8785 section 3.2.3 asks.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const member = record[key];
    path.push(key);
    if (member === undefined) {
      throw new ParleyError('PARLEY_E_JSON_VALUE', { where: where(path), reason: 'undefined has no JSON form' });
    }
    if (!key.isWellFormed())
      throw new ParleyError('PARLEY_E_JSON_LONE_SURROGATE', { where: `${where(path.slice(0, -1))} (a key)` });
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${write(member, path, depth)}`;
    path.pop();
  }
  return `${out}}`;
}
