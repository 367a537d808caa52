import * as nodeCrypto from 'node:crypto';

/** Bytes in every Merkle hash (SHA-256). */
export const HASH_SIZE = 32;

// crypto.hash (Node ≥ 20.12) is one-shot and about twice as fast as createHash;
// the namespace import keeps Node 20.11 working, where it does not exist.
const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

function digest(bytes: Uint8Array): Uint8Array {
  const out = oneShot ? oneShot('sha256', bytes, 'buffer') : nodeCrypto.createHash('sha256').update(bytes).digest();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Root of the empty tree: SHA-256 of nothing. */
export function emptyRoot(): Uint8Array {
  return digest(new Uint8Array(0));
}

// Reused input buffers: hashing is synchronous and the digest is a fresh copy.
const leafInput = new Uint8Array(1 + HASH_SIZE);
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/**
 * RFC 6962 leaf hash, SHA-256(0x00 || data). In Parley `data` is the 32-byte entry id.
 *
 * @example
 * const leaf = hashLeaf(entryId);
 */
export function hashLeaf(data: Uint8Array): Uint8Array {
  if (data.byteLength !== HASH_SIZE) {
    const input = new Uint8Array(1 + data.byteLength);
    input.set(data, 1);
    return digest(input);
  }
  leafInput.set(data, 1);
  return digest(leafInput);
}

/** RFC 6962 interior node hash, SHA-256(0x01 || left || right); both sides are 32-byte hashes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.byteLength !== HASH_SIZE || right.byteLength !== HASH_SIZE) {
    throw new RangeError(`Merkle children must be ${HASH_SIZE}-byte hashes`);
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return digest(nodeInput);
}
