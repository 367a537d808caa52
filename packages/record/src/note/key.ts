import { ParleyError } from '@parley/contract';
import type { Signer } from '../crypto/ed25519.js';
import { concatBytes, sha256, utf8 } from '../crypto/hash.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { noteLimits } from './limits.js';

/** Signature type bytes assigned by c2sp.org/signed-note that Parley uses. */
export const SignatureType = {
  /** Plain Ed25519 over the note text: checkpoints signed by a feed's author. */
  ed25519: 0x01,
  /** Timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature, cosignature/v1). */
  cosignatureV1: 0x04,
} as const;
export type SignatureType = (typeof SignatureType)[keyof typeof SignatureType];

/** A parsed C2SP verifier key (`<name>+<hex key id>+<base64(type || public key)>`). */
export interface VerifierKey {
  readonly name: string;
  /** uint32 key id, as it prefixes every signature by this key. */
  readonly keyId: number;
  readonly type: SignatureType;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** Key names are non-empty and hold no Unicode space, no `+`, no control character. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/[\p{White_Space}+]/u.test(name) &&
    !/[\uD800-\uDFFF]/u.test(name) &&
    controlCharAt(name, false) < 0
  );
}

/** Offset of the first ASCII control character (below U+0020), or -1. */
export function controlCharAt(text: string, allowNewline: boolean): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return i;
  }
  return -1;
}

/**
 * The C2SP key id: the first four bytes of SHA-256(name || 0x0A || type || key), big-endian.
 *
 * @example
 * noteKeyId('example.com/foo', SignatureType.ed25519, publicKey).toString(16); // '530d903a'
 */
export function noteKeyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  checkName(name);
  const digest = sha256(utf8.encode(name), Uint8Array.of(0x0a, type), publicKey);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

/** Eight lowercase hex digits, as a key id is written in verifier keys. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/**
 * The verifier key text for `name` and an Ed25519 key (or a Signer's public key).
 *
 * @example
 * const vkey = makeVkey('parley/chan/us-js', signer); // 'parley/chan/us-js+1a2b3c4d+AT…'
 */
export function makeVkey(name: string, key: Signer | Uint8Array, type: SignatureType = SignatureType.ed25519): string {
  const publicKey = key instanceof Uint8Array ? key : key.publicKey;
  if (publicKey.byteLength !== 32) throw badVkey('Ed25519 public key must be 32 bytes');
  const keyId = noteKeyId(name, type, publicKey);
  return `${name}+${keyIdHex(keyId)}+${toBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
}

/**
 * Parses and checks a verifier key: valid name, 8 hex digits matching the
 * key id computed from name and key, a known signature type and a 32-byte key.
 *
 * @example
 * const key = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
 * key.name; // 'example.com/foo'
 */
export function parseVkey(text: string): VerifierKey {
  if (typeof text !== 'string' || text.length > noteLimits.vkeyChars) throw badVkey('not a string of sane length');
  // The name and hex hold no '+', but base64 may: split on the first two only.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw badVkey('need <name>+<hex key id>+<base64 key>');
  const name = text.slice(0, first);
  const hex = text.slice(first + 1, second);
  if (!isValidKeyName(name)) throw badVkey('invalid key name');
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw badVkey('key id must be 8 hex digits');
  let material: Uint8Array;
  try {
    material = fromBase64(text.slice(second + 1), 'verifier key');
  } catch {
    throw badVkey('key is not base64');
  }
  const type = material[0];
  if (type !== SignatureType.ed25519 && type !== SignatureType.cosignatureV1) {
    throw badVkey(`unsupported signature type ${type ?? 'none'}`);
  }
  const publicKey = material.slice(1);
  if (publicKey.byteLength !== 32) throw badVkey('Ed25519 public key must be 32 bytes');
  const keyId = noteKeyId(name, type, publicKey);
  if (keyId !== Number.parseInt(hex, 16)) throw badVkey('key id does not match name and key');
  return { name, keyId, type, publicKey };
}

/** Accepts a vkey string or an already parsed key. */
export function toVerifierKey(vkey: string | VerifierKey): VerifierKey {
  return typeof vkey === 'string' ? parseVkey(vkey) : vkey;
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new ParleyError('PARLEY_E_ENCODING', { what: 'key name', reason: 'empty, or holds a space, "+" or control' });
  }
}

function badVkey(reason: string): ParleyError {
  return new ParleyError('PARLEY_E_ENCODING', { what: 'verifier key', reason });
}
