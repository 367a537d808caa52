// Worker thread of SignaturePool: verifies packed batches of entry signatures.
// Each item is 128 bytes — raw public key (32), header hash (32), signature
// (64) — and is checked exactly as signatureValid checks it: Ed25519 over
// "parley/entry/v1\n" || hash. Replies with the positions that fail.
//
// It imports only Node's own modules and the domain prefixes (no zod, no contract), so a pool
// starts in milliseconds: its start-up counts against every parallel run.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { domains } from '../domains.js';

/** A batch sent to a worker; the buffer is transferred, not copied. */
export interface BatchRequest {
  id: number;
  buffer: ArrayBuffer;
  size: number;
}

/** A worker's answer: positions in the batch whose signature does not verify. */
export interface BatchReply {
  id: number;
  failing: number[];
}

export const itemBytes = 128;

/** workerData that marks a thread as a signature worker, so importing this module elsewhere does nothing. */
export const workerRole = { role: 'parley/signature-worker' } as const;

const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex'); // RFC 8410: SPKI wrapping a raw Ed25519 key
const prefix = Buffer.from(domains.entry, 'latin1');

/** Positions of `size` packed items in `buffer` whose signature fails. */
export function failingItems(buffer: ArrayBuffer, size: number): number[] {
  const bytes = Buffer.from(buffer);
  const failing: number[] = [];
  // One message buffer, refilled per item; the key object is rebuilt only when the key changes.
  const message = Buffer.alloc(prefix.byteLength + 32);
  prefix.copy(message);
  let [lastKey, key]: [Buffer | undefined, KeyObject | undefined] = [undefined, undefined];
  for (let i = 0; i < size; i++) {
    const at = i * itemBytes;
    const raw = bytes.subarray(at, at + 32);
    if (lastKey === undefined || !raw.equals(lastKey)) {
      lastKey = raw;
      key = publicKey(raw);
    }
    bytes.copy(message, prefix.byteLength, at + 32, at + 64);
    if (!signatureHolds(key, message, bytes.subarray(at + 64, at + 128))) failing.push(i);
  }
  return failing;
}

/** The KeyObject of a raw 32-byte key, or undefined where it is no Ed25519 key. */
function publicKey(raw: Buffer): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** Ed25519 verification as verifyEd25519 does it: false, never a throw, for anything malformed. */
function signatureHolds(key: KeyObject | undefined, message: Buffer, sig: Buffer): boolean {
  if (key === undefined) return false;
  try {
    return verify(null, message, key, sig);
  } catch {
    return false;
  }
}

const port = parentPort;
if (port && (workerData as typeof workerRole | undefined)?.role === workerRole.role) {
  port.on('message', ({ id, buffer, size }: BatchRequest) => {
    const reply: BatchReply = { id, failing: failingItems(buffer, size) };
    port.postMessage(reply);
  });
}
