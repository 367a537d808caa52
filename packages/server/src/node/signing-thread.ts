import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { SignRequest, SignResponse } from './signing-pool.js';

/**
 * The signing pool's worker thread (signing-pool.ts): Ed25519 signatures of
 * the messages it is sent, 64 bytes each, in order. Keys are parsed once.
 */
const keys = new Map<string, KeyObject>();

parentPort?.on('message', (request: SignRequest) => {
  let answer: SignResponse;
  let transfer: ArrayBuffer[] = [];
  try {
    let key = keys.get(request.pem);
    if (!key) {
      key = createPrivateKey(request.pem);
      keys.set(request.pem, key);
    }
    const sigs = new Uint8Array(64 * request.lengths.length);
    let offset = 0;
    for (const [i, length] of request.lengths.entries()) {
      sigs.set(sign(null, request.data.subarray(offset, offset + length), key), 64 * i);
      offset += length;
    }
    answer = { id: request.id, sigs };
    transfer = [sigs.buffer];
  } catch (error) {
    answer = { id: request.id, error: String((error as Error)?.message ?? error) };
  }
  parentPort?.postMessage(answer, transfer);
});
