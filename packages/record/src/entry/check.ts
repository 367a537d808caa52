import { type KeyObject, verify } from 'node:crypto';
import { type EntryHeader, entryHeaderSchema, limits, ParleyError, validateBody } from '@parley/contract';
import { publicKeyObject } from '../crypto/ed25519.js';
import { fromBase64url } from '../encoding/base64.js';
import { canonicalize } from '../jcs/canonicalize.js';
import type { JsonValue } from '../jcs/parse.js';
import { entrySigningMessage } from './entry.js';
import { digestBase64url, hashBytes, headerCanonicalText } from './header-text.js';

/** An entry whose form has been checked and whose id is derived (not yet its signature). */
export interface CheckedEntry {
  id: string;
  hash: Uint8Array;
  header: EntryHeader;
  /** JCS of the header: the text whose SHA-256 is the id (what a store keeps). */
  headerText: string;
  sig: Uint8Array;
  body?: JsonValue;
}

/**
 * Checks an untrusted value's form: `{ header, sig, body? }` with a strict v1
 * header, and derives the id by re-canonicalising the header (never trusting
 * a stored serialisation).
 */
export function checkEntryForm(input: unknown): CheckedEntry {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ParleyError('PARLEY_E_HEADER', { reason: 'an entry is an object { header, sig, body }' });
  }
  const { header, sig, body } = input as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'header' && key !== 'sig' && key !== 'body')
      throw new ParleyError('PARLEY_E_HEADER', { reason: `unknown entry member "${key}"` });
  }
  const parsed = plainHeader(header) ?? parseHeader(header);
  const text = headerCanonicalText(parsed);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limits.headerBytes)
    throw new ParleyError('PARLEY_E_OVERSIZE', { what: 'header', size, limit: limits.headerBytes });
  const id = digestBase64url(text);
  const checked: CheckedEntry = {
    id,
    hash: hashBytes(id),
    header: parsed,
    headerText: text,
    sig: fromBase64url(sig as string, 'sig', 64),
  };
  if (body !== undefined) checked.body = body as JsonValue;
  return checked;
}

/** True when the signature verifies under the key the header names. */
export function signatureValid(entry: CheckedEntry): boolean {
  const key = keyObject(entry.header.key);
  if (key === undefined || entry.sig.byteLength !== 64) return false;
  try {
    return verify(null, entrySigningMessage(entry.hash), key, entry.sig);
  } catch {
    return false;
  }
}

/** Throws PARLEY_E_BAD_SIGNATURE unless the signature verifies. */
export function checkSignature(entry: CheckedEntry): void {
  if (!signatureValid(entry)) {
    throw new ParleyError('PARLEY_E_BAD_SIGNATURE', { author: entry.header.author, seq: entry.header.seq });
  }
}

/**
 * Checks a present body: size, hash against the header, then its type's schema.
 * Returns the canonical body text (what a store keeps; its UTF-8 is what the header's hash covers).
 */
export function checkBody(entry: CheckedEntry): string {
  const { author, seq, type } = entry.header;
  if (entry.body === undefined) throw new ParleyError('PARLEY_E_BODY_MISSING', { author, seq });
  const text = canonicalize(entry.body);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a long text needs counting.
  const size = text.length * 3 > limits.bodyBytes ? Buffer.byteLength(text, 'utf8') : text.length;
  if (size > limits.bodyBytes) {
    throw new ParleyError('PARLEY_E_OVERSIZE', { what: `body of ${author} seq ${seq}`, size, limit: limits.bodyBytes });
  }
  if (digestBase64url(text) !== entry.header.body) throw new ParleyError('PARLEY_E_BODY_HASH', { author, seq });
  validateBody(type, entry.body);
  return text;
}

// The hot path of feed and bundle verification: everything below runs once
// per entry beside one Ed25519 verification, so it is kept cheap.

function parseHeader(header: unknown): EntryHeader {
  const parsed = entryHeaderSchema.safeParse(header);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ParleyError('PARLEY_E_HEADER', { reason: `${['header', ...issue.path].join('.')}: ${issue.message}` });
}

// The rules of entryHeaderSchema (@parley/contract), restated for plainHeader.
const b64url32 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const typeName = /^[a-z][a-z-]{0,39}$/;

/**
 * The header exactly as entryHeaderSchema would return it, when it plainly
 * passes every rule of the schema; otherwise undefined, and the schema
 * itself judges it and names the fault. Several times cheaper than the
 * schema, which dominated the cost of checking an entry's form. Accepting
 * only a subset of what the schema accepts keeps the verdict the schema's
 * (check.test.ts compares the two).
 */
function plainHeader(h: unknown): EntryHeader | undefined {
  if (!plainObject(h, 11)) return undefined;
  const { v, channel, author, seq, prev, time, type, heads, refs, body, key } = h as Record<string, unknown>;
  if (v !== 1 || !b64(channel) || !b64(body) || !b64(key) || !party(author) || !seqNumber(seq)) return undefined;
  if (!(prev === null ? seq === 1 : seq !== 1 && b64(prev))) return undefined;
  if (typeof time !== 'string' || !isoTime.test(time) || !realTime(time)) return undefined;
  if (typeof type !== 'string' || !typeName.test(type)) return undefined;
  const headsCopy = plainHeads(heads, author);
  const refsCopy = plainRefs(refs);
  if (!headsCopy || !refsCopy) return undefined;
  return {
    v,
    channel,
    author,
    seq,
    prev: prev as string | null,
    time,
    type,
    heads: headsCopy,
    refs: refsCopy,
    body,
    key,
  };
}

function plainHeads(heads: unknown, author: string): EntryHeader['heads'] | undefined {
  // Unlike an object's, a record's symbol keys fail the schema.
  if (!plainObject(heads) || Object.getOwnPropertySymbols(heads).length > 0) return undefined;
  const parties = Object.keys(heads);
  if (parties.length >= limits.members || Object.hasOwn(heads, author)) return undefined;
  const copy: EntryHeader['heads'] = {};
  for (const p of parties) {
    const head = (heads as Record<string, unknown>)[p];
    if (!party(p) || !plainObject(head, 2)) return undefined;
    const { seq, id } = head as Record<string, unknown>;
    if (!seqNumber(seq) || !b64(id)) return undefined;
    copy[p] = { seq, id };
  }
  return copy;
}

function plainRefs(refs: unknown): string[] | undefined {
  if (!Array.isArray(refs) || refs.length > limits.refs) return undefined;
  const copy: string[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref: unknown = refs[i];
    if (!b64(ref) || copy.includes(ref)) return undefined;
    copy.push(ref);
  }
  return copy;
}

/**
 * An object the schema reads as it is: of a plain prototype (so no inherited
 * members) and, with `size`, with that many enumerable own keys. The schema
 * ignores symbol and non-enumerable keys of objects, as this does.
 */
function plainObject(value: unknown, size?: number): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return size === undefined || Object.keys(value).length === size;
}

const b64 = (value: unknown): value is string => typeof value === 'string' && b64url32.test(value);
const party = (value: unknown): value is string => typeof value === 'string' && limits.partyId.test(value);
const seqNumber = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * For a string of the isoTime form: true when it names a real instant, as the
 * schema's `new Date(Date.parse(s)).toISOString() === s` finds, without
 * building a Date (month 1–12, a day of that month, 00:00:00 to 23:59:59).
 */
function realTime(time: string): boolean {
  const year = digits(time, 0, 4);
  const month = digits(time, 5, 7);
  const day = digits(time, 8, 10);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && digits(time, 11, 13) <= 23 && digits(time, 14, 16) <= 59 && digits(time, 17, 19) <= 59;
}

/** The decimal number written by the ASCII digits of text[from, to). */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

// A feed is signed by one key for long stretches: decode each key once, to
// the KeyObject node:crypto verifies with (what verifyEd25519 looks up by the
// key's hex on every call). Undefined for a key that is no Ed25519 key.
const keyObjects = new Map<string, KeyObject | undefined>();

function keyObject(key: string): KeyObject | undefined {
  if (keyObjects.has(key)) return keyObjects.get(key);
  const raw = fromBase64url(key, 'key', 32); // a malformed key throws, as it always did
  let object: KeyObject | undefined;
  try {
    object = publicKeyObject(raw);
  } catch {
    object = undefined; // as verifyEd25519: no such key verifies nothing
  }
  if (keyObjects.size >= 4096) keyObjects.clear();
  keyObjects.set(key, object);
  return object;
}
