import { type EntryHeader, entryHeaderSchema, limits, ParleyError, validateBody } from '@parley/contract';
import { verifyEd25519 } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { fromBase64url, toBase64url } from '../encoding/base64.js';
import { canonicalBytes } from '../jcs/canonicalize.js';
import type { JsonValue } from '../jcs/parse.js';
import { entrySigningMessage } from './entry.js';

/** An entry whose form has been checked and whose id is derived (not yet its signature). */
export interface CheckedEntry {
  id: string;
  hash: Uint8Array;
  header: EntryHeader;
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
  const { header, sig, body, ...rest } = input as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new ParleyError('PARLEY_E_HEADER', { reason: `unknown entry member "${extra[0]}"` });
  const parsed = entryHeaderSchema.safeParse(header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParleyError('PARLEY_E_HEADER', { reason: `${['header', ...issue.path].join('.')}: ${issue.message}` });
  }
  const headerBytes = canonicalBytes(parsed.data);
  if (headerBytes.byteLength > limits.headerBytes) {
    throw new ParleyError('PARLEY_E_OVERSIZE', {
      what: 'header',
      size: headerBytes.byteLength,
      limit: limits.headerBytes,
    });
  }
  const hash = sha256(headerBytes);
  const checked: CheckedEntry = {
    id: toBase64url(hash),
    hash,
    header: parsed.data,
    sig: fromBase64url(sig as string, 'sig', 64),
  };
  if (body !== undefined) checked.body = body as JsonValue;
  return checked;
}

/** True when the signature verifies under the key the header names. */
export function signatureValid(entry: CheckedEntry): boolean {
  return verifyEd25519(fromBase64url(entry.header.key, 'key', 32), entrySigningMessage(entry.hash), entry.sig);
}

/** Throws PARLEY_E_BAD_SIGNATURE unless the signature verifies. */
export function checkSignature(entry: CheckedEntry): void {
  if (!signatureValid(entry)) {
    throw new ParleyError('PARLEY_E_BAD_SIGNATURE', { author: entry.header.author, seq: entry.header.seq });
  }
}

/**
 * Checks a present body: size, hash against the header, then its type's schema.
 * Returns the canonical body bytes (what a store keeps).
 */
export function checkBody(entry: CheckedEntry): Uint8Array {
  const { author, seq, type } = entry.header;
  if (entry.body === undefined) throw new ParleyError('PARLEY_E_BODY_MISSING', { author, seq });
  const bytes = canonicalBytes(entry.body);
  if (bytes.byteLength > limits.bodyBytes) {
    throw new ParleyError('PARLEY_E_OVERSIZE', {
      what: `body of ${author} seq ${seq}`,
      size: bytes.byteLength,
      limit: limits.bodyBytes,
    });
  }
  if (toBase64url(sha256(bytes)) !== entry.header.body) throw new ParleyError('PARLEY_E_BODY_HASH', { author, seq });
  validateBody(type, entry.body);
  return bytes;
}
