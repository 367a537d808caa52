import { ParleyError } from '@parley/contract';
import { type Signer, verifyEd25519 } from '../crypto/ed25519.js';
import { concatBytes, sha256, utf8 } from '../crypto/hash.js';
import { domains } from '../domains.js';
import { fromBase64url, toBase64url } from '../encoding/base64.js';
import { canonicalBytes } from '../jcs/canonicalize.js';
import type { JsonValue } from '../jcs/parse.js';

/** The parts of a charter the record relies on; the full schema lives in @parley/contract. */
export interface CharterCore {
  members: ReadonlyArray<{ id: string; key: string }>;
}

/** One member's signature of the charter. */
export interface CharterSignature {
  party: string;
  sig: string;
}

/** A channel as it appears in evidence: id, charter, every member's signature. */
export interface SignedCharter {
  id: string;
  charter: JsonValue & CharterCore;
  signatures: CharterSignature[];
}

const prefix = utf8.encode(domains.charter);

/**
 * The channel id: base64url(SHA-256(JCS(charter))).
 *
 * @example
 * const id = channelId(charter);
 */
export function channelId(charter: JsonValue): string {
  return toBase64url(sha256(canonicalBytes(charter)));
}

function message(charter: JsonValue): Uint8Array {
  return concatBytes(prefix, sha256(canonicalBytes(charter)));
}

/** A member's signature over `parley/charter/v1\n` || SHA-256(JCS(charter)). */
export function signCharter(charter: JsonValue, party: string, signer: Signer): CharterSignature {
  return { party, sig: toBase64url(signer.sign(message(charter))) };
}

/**
 * Checks that the id is the charter's hash and that every member, and only a
 * member, signed it with the key the charter gives that member.
 */
export function verifyCharter(channel: SignedCharter): void {
  if (!Array.isArray(channel.charter?.members)) charterError('members missing');
  if (channelId(channel.charter) !== channel.id) charterError('channel id is not the hash of the charter');
  verifyCharterSignatures(channel.charter, channel.signatures, true);
}

/**
 * Checks each signature present: by a member, once, under that member's
 * charter key. With `complete`, every member must have signed (while a
 * charter is being co-signed, `complete` is false).
 */
export function verifyCharterSignatures(
  charter: JsonValue & CharterCore,
  signatures: CharterSignature[],
  complete: boolean,
): void {
  if (!Array.isArray(signatures)) charterError('signatures missing');
  const msg = message(charter);
  const keys = new Map(charter.members.map((m) => [m.id, m.key]));
  const signed = new Set<string>();
  for (const { party, sig } of signatures) {
    const key = keys.get(party);
    if (!key) charterError(`${party} signed but is not a member`);
    if (signed.has(party)) charterError(`${party} signed twice`);
    if (!verifyEd25519(fromBase64url(key!, 'member key', 32), msg, fromBase64url(sig, 'charter signature', 64))) {
      charterError(`signature of ${party} does not verify`);
    }
    signed.add(party);
  }
  const missing = [...keys.keys()].filter((p) => !signed.has(p));
  if (complete && missing.length > 0) charterError(`not signed by ${missing.join(', ')}`);
}

function charterError(reason: string): never {
  throw new ParleyError('PARLEY_E_CHARTER', { reason });
}
