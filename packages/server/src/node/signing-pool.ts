import { Worker } from 'node:worker_threads';
import { Ed25519Signer, type Signer, workerExecArgv } from '@parley/record';

/** A group of messages to sign, packed into one buffer (signing-thread.ts). */
export interface SignRequest {
  id: number;
  pem: string;
  data: Uint8Array;
  lengths: number[];
}

export type SignResponse = { id: number; sigs: Uint8Array } | { id: number; error: string };

interface Pending {
  count: number;
  resolve: (sigs: Uint8Array[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Signs groups of messages with Ed25519 on one worker thread, so that a group
 * commit's signatures are made beside the main thread rather than on it
 * (decision 0023). Started at its first use, stopped after `idleMs` without
 * work (an idle node holds no thread), never keeping the process alive; a
 * worker that fails or exits fails what it was given and is started afresh
 * next time.
 */
export class SigningPool {
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #next = 1;
  #idle: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(readonly idleMs = 10_000) {}

  /** The signatures of `messages` by the key in `pem` (PKCS#8), in order. */
  sign(pem: string, messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (this.#closed) return Promise.reject(new Error('signing pool closed'));
    if (messages.length === 0) return Promise.resolve([]);
    const worker = this.#start();
    const id = this.#next++;
    const lengths = messages.map((m) => m.byteLength);
    const data = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
    let offset = 0;
    for (const m of messages) {
      data.set(m, offset);
      offset += m.byteLength;
    }
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref(); // a signature owed keeps the process up
      this.#pending.set(id, { count: messages.length, resolve, reject });
      const request: SignRequest = { id, pem, data, lengths };
      worker.postMessage(request, [data.buffer]);
    });
  }

  /** Whether a worker thread is running (for tests). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** Stops the worker for good; what it was given, and anything given later, fails. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#stopped(new Error('signing pool closed'));
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./signing-thread.js', import.meta.url), { execArgv: workerExecArgv() });
    worker.on('message', (answer: SignResponse) => this.#answered(answer));
    worker.on('error', (error) => {
      if (this.#worker === worker) this.#stopped(error);
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#stopped(new Error(`signing worker exited with code ${code}`));
    });
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    this.#worker = worker;
    return worker;
  }

  #answered(answer: SignResponse): void {
    const pending = this.#pending.get(answer.id);
    if (!pending) return;
    this.#pending.delete(answer.id);
    if ('error' in answer) pending.reject(new Error(`signing worker: ${answer.error}`));
    else if (answer.sigs.byteLength !== 64 * pending.count)
      pending.reject(new Error('signing worker: wrong answer size'));
    else pending.resolve(Array.from({ length: pending.count }, (_, i) => answer.sigs.subarray(64 * i, 64 * (i + 1))));
    if (this.#pending.size === 0 && this.#worker) {
      const worker = this.#worker;
      worker.unref();
      this.#idle = setTimeout(() => {
        if (this.#worker !== worker || this.#pending.size > 0) return;
        this.#worker = undefined;
        void worker.terminate();
      }, this.idleMs);
      this.#idle.unref();
    }
  }

  #stopped(error: unknown): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#worker = undefined;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}

/**
 * An in-memory Ed25519 key that can sign groups on a SigningPool's thread:
 * `sign` as before, on the calling thread; `signMany` on the pool, or, if the
 * pool fails, here, one by one (a failed thread never fails a signature).
 */
export class PooledSigner implements Signer {
  readonly publicKey: Uint8Array;
  readonly #inner: Ed25519Signer;
  readonly #pool: SigningPool;
  #pem: string | undefined;

  constructor(inner: Ed25519Signer, pool: SigningPool) {
    this.#inner = inner;
    this.#pool = pool;
    this.publicKey = inner.publicKey;
  }

  /** The key wrapped, as given (key files, rotation). */
  get inner(): Ed25519Signer {
    return this.#inner;
  }

  sign(message: Uint8Array): Uint8Array {
    return this.#inner.sign(message);
  }

  async signMany(messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.#pem ??= this.#inner.toPem();
    try {
      return await this.#pool.sign(this.#pem, messages);
    } catch {
      return messages.map((m) => this.#inner.sign(m));
    }
  }
}

/** `signer` made pooled when it is an in-memory Ed25519 key; other signers as they are. */
export function pooled(signer: Signer, pool: SigningPool | undefined): Signer {
  return pool && signer instanceof Ed25519Signer ? new PooledSigner(signer, pool) : signer;
}
