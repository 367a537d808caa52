import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { ParleyError } from '@parley/contract';

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410), so raw keys
// can be handed to node:crypto without a hand-written ASN.1 encoder.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The only way the record signs anything. A node may keep its key in a file,
 * an HSM or another process; the record sees just this.
 */
export interface Signer {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (64 bytes) over `message`. */
  sign(message: Uint8Array): Uint8Array;
}

/** A Signer over an in-memory Ed25519 key. */
export class Ed25519Signer implements Signer {
  readonly publicKey: Uint8Array;
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
    this.publicKey = rawPublicKey(createPublicKey(key));
  }

  /** A fresh random key. */
  static generate(): Ed25519Signer {
    return new Ed25519Signer(generateKeyPairSync('ed25519').privateKey);
  }

  /** From the 32-byte RFC 8032 secret key (seed). */
  static fromSeed(seed: Uint8Array): Ed25519Signer {
    if (seed.byteLength !== 32)
      throw new ParleyError('PARLEY_E_ENCODING', { what: 'Ed25519 seed', reason: 'need 32 bytes' });
    return new Ed25519Signer(
      createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    );
  }

  /** From a PKCS#8 PEM private key (as `parley init` stores it). */
  static fromPem(pem: string): Ed25519Signer {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519')
      throw new ParleyError('PARLEY_E_ENCODING', { what: 'identity key', reason: 'not Ed25519' });
    return new Ed25519Signer(key);
  }

  /** The 32-byte seed, for storing the key. */
  seed(): Uint8Array {
    const der = this.#key.export({ format: 'der', type: 'pkcs8' });
    return new Uint8Array(der.subarray(der.byteLength - 32));
  }

  toPem(): string {
    return this.#key.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.#key));
  }
}

const publicKeyCache = new Map<string, KeyObject>();

/** node:crypto KeyObject for a raw public key; cached, since a feed reuses one key for many entries. */
export function publicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.byteLength !== 32)
    throw new ParleyError('PARLEY_E_ENCODING', { what: 'Ed25519 public key', reason: 'need 32 bytes' });
  const id = Buffer.from(raw).toString('hex');
  let key = publicKeyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeyCache.size > 4096) publicKeyCache.clear();
    publicKeyCache.set(id, key);
  }
  return key;
}

/** Ed25519 verification (RFC 8032) of a 64-byte signature; false on any malformed input. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.byteLength - 32));
}
