import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fromBase64url } from '../encoding/base64.js';
import { type CheckedEntry, checkEntryForm, checkSignature } from '../entry/check.js';
import { KeyHistory, type KeyTable } from '../keys/key-history.js';
import { type FeedHead, FeedVerifier } from './feed-verifier.js';
import { type BatchReply, type BatchRequest, itemBytes, workerRole } from './signature-worker.js';

/**
 * Entry signatures packed for a worker thread: per entry the raw key, the
 * header hash and the signature, in one buffer that is transferred, not
 * copied. A batch is sent once.
 *
 * @example
 * const batch = new SignatureBatch();
 * batch.addEntry(checkEntryForm(raw)); // position 0
 * const failing = await pool.verify(batch); // [] when it verifies
 */
export class SignatureBatch {
  readonly capacity: number;
  readonly #bytes: Uint8Array;
  #size = 0;
  #sent = false;
  #keyText = '';
  #key: Uint8Array = new Uint8Array(0);

  constructor(capacity = 1000) {
    this.capacity = capacity;
    this.#bytes = new Uint8Array(capacity * itemBytes);
  }

  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size >= this.capacity;
  }

  /** Adds a 32-byte raw key, 32-byte header hash and 64-byte signature; returns its position. */
  add(key: Uint8Array, hash: Uint8Array, sig: Uint8Array): number {
    if (this.#sent) throw new Error('this signature batch was already sent');
    if (this.full) throw new RangeError(`a signature batch holds ${this.capacity} signatures`);
    if (key.byteLength !== 32 || hash.byteLength !== 32 || sig.byteLength !== 64) {
      throw new RangeError('a signature batch takes a 32-byte key, a 32-byte hash and a 64-byte signature');
    }
    const at = this.#size * itemBytes;
    this.#bytes.set(key, at);
    this.#bytes.set(hash, at + 32);
    this.#bytes.set(sig, at + 64);
    return this.#size++;
  }

  /** Adds a checked entry's signature under the key its header names. */
  addEntry(entry: CheckedEntry): number {
    const { key } = entry.header;
    if (key !== this.#keyText) {
      this.#key = fromBase64url(key, 'key', 32);
      this.#keyText = key;
    }
    return this.add(this.#key, entry.hash, entry.sig);
  }

  /** The packed items for a worker; the batch cannot be added to afterwards. */
  seal(): { buffer: ArrayBuffer; size: number } {
    this.#sent = true;
    return { buffer: this.#bytes.buffer as ArrayBuffer, size: this.#size };
  }
}

interface Slot {
  worker: Worker;
  pending: number;
}

interface Call {
  slot: Slot;
  resolve: (failing: number[]) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that verify entry signatures (Ed25519 under the
 * `parley/entry/v1` prefix, exactly as signatureValid does). Idle workers do
 * not keep the process alive; close() stops them and rejects what is pending.
 *
 * @example
 * const pool = SignaturePool.start(2);
 * try {
 *   const failing = await pool.verify(batch); // positions in the batch
 * } finally {
 *   await pool.close();
 * }
 */
export class SignaturePool {
  readonly #slots: Slot[];
  readonly #calls = new Map<number, Call>();
  #nextId = 0;
  #failure: Error | undefined;

  private constructor(workers: number) {
    this.#slots = Array.from({ length: workers }, () => this.#spawn());
  }

  /** Starts `workers` threads (default: one per core the process may use). */
  static start(workers = availableParallelism()): SignaturePool {
    return new SignaturePool(Math.max(1, Math.floor(workers)));
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Verifies every signature of `batch`; resolves to the positions that fail, ascending. */
  verify(batch: SignatureBatch): Promise<number[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const request: BatchRequest = { id: this.#nextId++, ...batch.seal() };
    if (request.size === 0) return Promise.resolve([]);
    const slot = this.#slots.reduce((a, b) => (b.pending < a.pending ? b : a));
    return new Promise((resolve, reject) => {
      this.#calls.set(request.id, { slot, resolve, reject });
      if (slot.pending++ === 0) slot.worker.ref();
      slot.worker.postMessage(request, [request.buffer]);
    });
  }

  /** Stops the workers; pending and later verify() calls reject. */
  async close(): Promise<void> {
    this.#fail(new Error('the signature pool is closed'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = new Worker(new URL('./signature-worker.js', import.meta.url), {
      workerData: workerRole,
      execArgv: workerExecArgv(),
    });
    const slot: Slot = { worker, pending: 0 };
    worker.on('message', (reply: BatchReply) => this.#settle(reply));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`a signature worker stopped (exit code ${code})`)));
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    return slot;
  }

  #settle({ id, failing }: BatchReply): void {
    const call = this.#calls.get(id);
    if (!call) return;
    this.#calls.delete(id);
    if (--call.slot.pending === 0) call.slot.worker.unref();
    call.resolve(failing);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const call of this.#calls.values()) call.reject(this.#failure);
    this.#calls.clear();
  }
}

/** The process's Node flags minus those about an inline main script, which would stop a file worker from loading. */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (inlineScriptFlags.has(arg)) i++;
    else if (!arg.startsWith('--input-type=')) out.push(arg);
  }
  return out;
}

const inlineScriptFlags = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

export interface ParallelFeedOptions {
  channel: string;
  author: string;
  /** The author's keys (a bundle's key section); key-rotate entries extend a private copy. */
  keys: KeyTable;
  members?: Iterable<string>;
  /** Worker threads to start; default one per available core. Ignored when `pool` is given. */
  workers?: number;
  /** As FeedVerifier's; default true. */
  requireBodies?: boolean;
  /** A running pool to use (and leave open) instead of starting one. */
  pool?: SignaturePool;
}

/**
 * Verifies one party's feed from its start, as `new FeedVerifier(...)` does
 * entry by entry, with the Ed25519 work on worker threads: the main thread
 * checks form, chain and bodies while workers check signatures. The verdict
 * is FeedVerifier's exactly: the same ParleyError for the first failing
 * entry in order.
 *
 * @example
 * const { head, count } = await verifyFeedParallel(entries, { channel, author: 'us-js', keys });
 */
export async function verifyFeedParallel(
  entries: readonly unknown[],
  options: ParallelFeedOptions,
): Promise<{ head: FeedHead | undefined; count: number }> {
  const pool = options.pool ?? SignaturePool.start(options.workers);
  try {
    return await verifyOn(pool, entries, options);
  } finally {
    if (!options.pool) await pool.close();
  }
}

async function verifyOn(
  pool: SignaturePool,
  entries: readonly unknown[],
  options: ParallelFeedOptions,
): Promise<{ head: FeedHead | undefined; count: number }> {
  const queue = new SignatureQueue(pool);
  let at = 0;
  const verifier = new FeedVerifier({
    channel: options.channel,
    author: options.author,
    keys: KeyHistory.fromTable(options.keys),
    members: options.members,
    requireBodies: options.requireBodies,
    checkSignature: (entry) => queue.add(entry, at),
  });
  let thrown: { error: unknown } | undefined;
  for (; at < entries.length && !(at > (queue.firstFailing ?? at)); at++) {
    try {
      verifier.verify(entries[at]);
    } catch (error) {
      thrown = { error };
      break;
    }
    if (queue.inFlight > 2 * pool.size) await queue.below(2 * pool.size);
  }
  const bad = await queue.settle();
  // Every queued signature belongs to an entry at or before the one that threw, so a bad one comes first.
  if (bad !== undefined) {
    checkSignature(checkEntryForm(entries[bad]));
    throw new Error(`a signature worker refused entry ${bad}, which verifies on the main thread`);
  }
  if (thrown) throw thrown.error;
  return { head: verifier.head, count: entries.length };
}

/**
 * Entry signatures queued for a SignaturePool under the caller's indices
 * (e.g. positions in a bundle), sent in batches as they fill; finds the
 * first index whose signature fails. For streams whose checks are
 * synchronous, such as BundleChecker's `checkSignature` option.
 *
 * @example
 * const queue = new SignatureQueue(pool);
 * const checker = new BundleChecker(meta, { checkSignature: (entry, i) => queue.add(entry, i) });
 * entries.forEach((e, i) => checker.entry(e, i));
 * const bad = await queue.settle(); // index of the first bad signature, or undefined
 */
export class SignatureQueue {
  readonly #pool: SignaturePool;
  readonly #batchSize: number;
  readonly #inFlight: Array<Promise<void>> = [];
  #batch: SignatureBatch;
  #indices: number[] = [];
  #firstFailing = Number.POSITIVE_INFINITY;
  #failure: { error: unknown } | undefined;

  constructor(pool: SignaturePool, batchSize = 1000) {
    this.#pool = pool;
    this.#batchSize = batchSize;
    this.#batch = new SignatureBatch(batchSize);
  }

  /** The lowest index found so far whose signature fails. */
  get firstFailing(): number | undefined {
    return Number.isFinite(this.#firstFailing) ? this.#firstFailing : undefined;
  }

  /** Batches sent and not yet answered: a caller that can wait bounds memory with below(). */
  get inFlight(): number {
    return this.#inFlight.length;
  }

  /** Queues a checked entry's signature under `index`; sends the batch once full. */
  add(entry: CheckedEntry, index: number): void {
    this.#batch.addEntry(entry);
    this.#indices.push(index);
    if (this.#batch.full) this.#send();
  }

  /** Resolves once no more than `batches` batches are in flight. */
  async below(batches: number): Promise<void> {
    while (this.#inFlight.length > batches) await Promise.race(this.#inFlight);
  }

  /** Sends what is queued and waits for every answer; resolves to firstFailing. Rejects if the pool failed. */
  async settle(): Promise<number | undefined> {
    this.#send();
    await this.below(0);
    if (this.#failure) throw this.#failure.error;
    return this.firstFailing;
  }

  #send(): void {
    if (this.#batch.size === 0) return;
    const indices = this.#indices;
    const done: Promise<void> = this.#pool
      .verify(this.#batch)
      .then(
        (failing) => {
          for (const position of failing) this.#firstFailing = Math.min(this.#firstFailing, indices[position]!);
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      )
      .finally(() => this.#inFlight.splice(this.#inFlight.indexOf(done), 1));
    this.#inFlight.push(done);
    this.#batch = new SignatureBatch(this.#batchSize);
    this.#indices = [];
  }
}
