import * as nodeCrypto from 'node:crypto';
import type { EntryHeader } from '@parley/contract';
import { sha256, utf8 } from '../crypto/hash.js';
import { toBase64url } from '../encoding/base64.js';
import { canonicalize } from '../jcs/canonicalize.js';

// The hot path of signing and verifying: everything here runs once per entry
// beside one Ed25519 operation, so it is kept cheap.

const q = JSON.stringify;

/**
 * JSON.stringify of a string, remembering the last one: a feed's entries
 * repeat the channel, the author, the key and mostly the type, and a
 * comparison of the same string is cheaper than writing it again.
 */
function quoter(): (s: string) => string {
  let [last, quoted] = ['', '""'];
  return (s) => {
    if (s !== last) [last, quoted] = [s, q(s)];
    return quoted;
  };
}
const [qChannel, qAuthor, qKey, qType] = [quoter(), quoter(), quoter(), quoter()];

/**
 * canonicalize(header) for a header the schema accepts, written directly: its
 * members are known, its strings need no escaping beyond JSON.stringify and
 * its numbers are safe integers, so RFC 8785 reduces to writing the members
 * in sorted order. Any other shape falls back to the general canonicaliser.
 */
export function headerCanonicalText(h: EntryHeader): string {
  return Object.keys(h).length === 11 ? schemaHeaderText(h) : canonicalize(h);
}

/** headerCanonicalText for a header known to have exactly the schema's eleven members (one signEntry built). */
export function schemaHeaderText(h: EntryHeader): string {
  let heads = '';
  for (const party of Object.keys(h.heads).sort()) {
    const head = h.heads[party]!;
    heads += `${heads === '' ? '' : ','}${q(party)}:{"id":${q(head.id)},"seq":${q(head.seq)}}`;
  }
  return (
    `{"author":${qAuthor(h.author)},"body":${q(h.body)},"channel":${qChannel(h.channel)},"heads":{${heads}},` +
    `"key":${qKey(h.key)},"prev":${q(h.prev)},"refs":${q(h.refs)},"seq":${q(h.seq)},"time":${q(h.time)},` +
    `"type":${qType(h.type)},"v":${q(h.v)}}`
  );
}

/**
 * base64url(SHA-256) of bytes or of a string's UTF-8, in one call where Node
 * has crypto.hash (≥ 20.12): no Hash object and no digest buffer, the
 * cheapest way to an id.
 */
export const digestBase64url: (data: Uint8Array | string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'base64url')
    : (data) => toBase64url(sha256(typeof data === 'string' ? utf8.encode(data) : data));

/** The 32 bytes of an id digestBase64url wrote (so canonical: no need for fromBase64url's checks). */
export function hashBytes(id: string): Uint8Array {
  const bytes = Buffer.from(id, 'base64url');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
