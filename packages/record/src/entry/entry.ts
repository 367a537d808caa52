import type { EntryHeader } from '@parley/contract';
import type { Signer } from '../crypto/ed25519.js';
import { sha256, utf8 } from '../crypto/hash.js';
import { domains } from '../domains.js';
import { toBase64url } from '../encoding/base64.js';
import { canonicalBytes, canonicalize } from '../jcs/canonicalize.js';
import type { JsonValue } from '../jcs/parse.js';
import { digestBase64url, headerCanonicalText, schemaHeaderText } from './header-text.js';

export type { EntryHeader, Head } from '@parley/contract';

/** An entry before signing: everything the author decides. It has no `sig`. */
export interface EntryDraft {
  channel: string;
  author: string;
  seq: number;
  prev: string | null;
  time: string;
  type: string;
  heads?: EntryHeader['heads'];
  refs?: string[];
  body: JsonValue;
}

/** An entry as stored and sent. `body` is absent only where evidence withholds it. */
export interface SignedEntry {
  header: EntryHeader;
  sig: string;
  body?: JsonValue;
}

const entryPrefix = utf8.encode(domains.entry);

const keyTexts = new WeakMap<Signer, string>();

/** The signer's public key as a header names it, encoded once per signer. */
function keyText(signer: Signer): string {
  let text = keyTexts.get(signer);
  if (text === undefined) {
    text = toBase64url(signer.publicKey);
    keyTexts.set(signer, text);
  }
  return text;
}

/** SHA-256 of the header's canonical bytes: the entry's identity before base64url. */
export function headerHash(header: EntryHeader): Uint8Array {
  return sha256(canonicalBytes(header));
}

/**
 * The entry id: base64url(SHA-256(JCS(header))).
 *
 * @example
 * const id = entryId(entry.header); // 43 characters
 */
export function entryId(header: EntryHeader): string {
  return digestBase64url(headerCanonicalText(header));
}

/** The bytes an entry signature covers: the domain prefix, then SHA-256(JCS(header)). */
export function entrySigningMessage(hash: Uint8Array): Uint8Array {
  const message = new Uint8Array(entryPrefix.byteLength + hash.byteLength);
  message.set(entryPrefix, 0);
  message.set(hash, entryPrefix.byteLength);
  return message;
}

/** base64url(SHA-256(JCS(body))), the header's commitment to the body. */
export function bodyHash(body: JsonValue): string {
  return digestBase64url(canonicalize(body));
}

/**
 * Signs a draft: fills the body hash and the signing key, then signs the
 * header hash under the `parley/entry/v1` prefix. Rules (schemas, chain,
 * domain rules) are the caller's to check before signing.
 *
 * @example
 * const { id, entry } = signEntry({ channel, author: 'us-js', seq: 1, prev: null,
 *   time: new Date().toISOString(), type: 'receipt', body: {} }, signer);
 */
export function signEntry(draft: EntryDraft, signer: Signer): { id: string; entry: SignedEntry } {
  const header: EntryHeader = {
    v: 1,
    channel: draft.channel,
    author: draft.author,
    seq: draft.seq,
    prev: draft.prev,
    time: draft.time,
    type: draft.type,
    heads: draft.heads ?? {},
    refs: draft.refs ?? [],
    body: bodyHash(draft.body),
    key: keyText(signer),
  };
  const id = digestBase64url(schemaHeaderText(header));
  // The signing message, with the header hash decoded straight from the id into it.
  const message = Buffer.allocUnsafe(entryPrefix.byteLength + 32);
  message.set(entryPrefix, 0);
  message.write(id, entryPrefix.byteLength, 32, 'base64url');
  const sig = toBase64url(signer.sign(message));
  return { id, entry: { header, sig, body: draft.body } };
}
