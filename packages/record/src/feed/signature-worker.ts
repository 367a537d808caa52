// Worker thread of SignaturePool: verifies packed batches of entry signatures.
// Each item is 128 bytes — raw public key (32), header hash (32), signature
// (64) — and is checked exactly as signatureValid checks it: Ed25519 over
// "parley/entry/v1\n" || hash. Replies with the positions that fail.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyEd25519 } from '../crypto/ed25519.js';
import { entrySigningMessage } from '../entry/entry.js';

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

/** Positions of `size` packed items in `buffer` whose signature fails. */
export function failingItems(buffer: ArrayBuffer, size: number): number[] {
  const bytes = new Uint8Array(buffer);
  const failing: number[] = [];
  for (let i = 0; i < size; i++) {
    const at = i * itemBytes;
    const key = bytes.subarray(at, at + 32);
    const message = entrySigningMessage(bytes.subarray(at + 32, at + 64));
    if (!verifyEd25519(key, message, bytes.subarray(at + 64, at + 128))) failing.push(i);
  }
  return failing;
}

const port = parentPort;
if (port && (workerData as typeof workerRole | undefined)?.role === workerRole.role) {
  port.on('message', ({ id, buffer, size }: BatchRequest) => {
    const reply: BatchReply = { id, failing: failingItems(buffer, size) };
    port.postMessage(reply);
  });
}
