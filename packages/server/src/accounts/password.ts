import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const keyLength = 32;
const blockSize = 8;
const parallel = 1;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs about 128·N·r bytes; allow twice that so the default cap (32 MiB) never refuses our own cost.
  const maxmem = 256 * N * r;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Hashes a password with scrypt and a random 16-byte salt. The parameters
 * travel with the hash, so a later change of cost still verifies old hashes.
 *
 * @example
 * const stored = await hashPassword('correct horse battery', 15); // "scrypt$15$8$1$<salt>$<key>"
 * await verifyPassword('correct horse battery', stored); // true
 */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, logN, blockSize, parallel);
  return ['scrypt', logN, blockSize, parallel, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `stored` (compared in constant time); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  const numbers = [logN, r, p].map(Number);
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return false;
  if (!numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= 20)) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), numbers[0]!, numbers[1]!, numbers[2]!);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
