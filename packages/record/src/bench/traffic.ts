// The channel traffic the record benchmarks verify: two parties' feeds in
// record order, signed on worker threads (this module is also their entry).
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { EntryHeader } from '@parley/contract';
import { Ed25519Signer } from '../crypto/ed25519.js';
import { toBase64url } from '../encoding/base64.js';
import { bodyHash, entrySigningMessage, headerHash, type SignedEntry } from '../entry/entry.js';
import type { JsonValue } from '../jcs/parse.js';
import type { TestRecord } from '../test-util/record.js';

export const parties = ['cn-jsd', 'us-js'];
const cores = availableParallelism();
const role = 'parley/bench-signer';

/** A short hotline message, as most traffic is. */
export const smallMessage = (serial: number): JsonValue => ({
  precedence: 'ROUTINE',
  subject: `Situation note ${serial}`,
  text: 'Nothing to report on the line. Duty officers changed at 08:00; the next test call is tomorrow at 09:00 UTC.',
  language: 'en',
  marking: 'UNCLASSIFIED',
  serial,
  attachments: [],
  release: { drafter: 'Lt. Chen', releaser: 'Maj. Ortiz', emergency: false },
});

/**
 * The channel's traffic in record order, as honest nodes write it: parties
 * take turns, each entry's heads name the other's newest entry, some
 * messages reply to one. Headers and ids only; signing is the caller's.
 */
export class Traffic {
  readonly #record: TestRecord;
  readonly #feeds = parties.map(() => ({ seq: 0, last: undefined as { seq: number; id: string } | undefined }));
  readonly #t0 = Date.parse('2024-01-01T00:00:00.000Z');
  readonly #receiptsEvery: number;
  #i = 0;

  constructor(record: TestRecord, receiptsEvery: number) {
    this.#record = record;
    this.#receiptsEvery = receiptsEvery;
  }

  next(): { who: number; header: EntryHeader; body: JsonValue; hash: Uint8Array } {
    const i = this.#i++;
    const who = i % parties.length;
    const author = parties[who]!;
    const feed = this.#feeds[who]!;
    const other = this.#feeds[1 - who]!.last;
    const receipt = this.#receiptsEvery > 0 && i % this.#receiptsEvery === this.#receiptsEvery - 1;
    const body = receipt ? {} : smallMessage(feed.seq + 1);
    const header: EntryHeader = {
      v: 1,
      channel: this.#record.id,
      author,
      seq: feed.seq + 1,
      prev: feed.last?.id ?? null,
      time: new Date(this.#t0 + i * 1000).toISOString(),
      type: receipt ? 'receipt' : 'message',
      heads: other ? { [parties[1 - who]!]: other } : {},
      refs: other && !receipt && i % 10 === 0 ? [other.id] : [],
      body: bodyHash(body),
      key: toBase64url(this.#record.signers[author]!.publicKey),
    };
    const hash = headerHash(header);
    feed.seq++;
    feed.last = { seq: feed.seq, id: toBase64url(hash) };
    return { who, header, body, hash };
  }
}

/** Worker threads running this module that sign header hashes for Traffic, so a million entries take seconds, not minutes. */
class SigningPool {
  readonly #workers: Worker[];
  readonly #calls = new Map<number, (sigs: Uint8Array) => void>();
  #next = 0;

  constructor(seeds: Uint8Array[], size: number) {
    this.#workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { role, seeds } });
      worker.on('message', ({ id, sigs }: { id: number; sigs: ArrayBuffer }) => {
        this.#calls.get(id)?.(new Uint8Array(sigs));
        this.#calls.delete(id);
      });
      return worker;
    });
  }

  sign(hashes: Uint8Array<ArrayBuffer>, who: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    const id = this.#next++;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise((resolve) => {
      this.#calls.set(id, resolve);
      worker.postMessage({ id, hashes: hashes.buffer, who: who.buffer }, [hashes.buffer, who.buffer]);
    });
  }

  close(): Promise<number[]> {
    return Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function signingThread(seeds: Uint8Array[]): void {
  const signers = seeds.map((seed) => Ed25519Signer.fromSeed(seed));
  parentPort!.on('message', ({ id, hashes, who }: { id: number; hashes: ArrayBuffer; who: ArrayBuffer }) => {
    const [h, w] = [new Uint8Array(hashes), new Uint8Array(who)];
    const sigs = new Uint8Array(w.length * 64);
    for (let i = 0; i < w.length; i++) {
      sigs.set(signers[w[i]!]!.sign(entrySigningMessage(h.subarray(i * 32, i * 32 + 32))), i * 64);
    }
    parentPort!.postMessage({ id, sigs: sigs.buffer }, [sigs.buffer]);
  });
}

export type Generated = { entry: SignedEntry; hash: Uint8Array };

/**
 * Signs `count` entries of Traffic written by `keep` parties (the others'
 * entries are only hashed, so heads still name real ids) and hands them to
 * `sink` in record order, batch by batch, with few batches in flight.
 */
export async function generate(
  traffic: Traffic,
  record: TestRecord,
  count: number,
  keep: (who: number) => boolean,
  sink: (batch: Generated[]) => Promise<void> | void,
): Promise<void> {
  const pool = new SigningPool(
    parties.map((p) => record.signers[p]!.seed()),
    cores,
  );
  const size = 2000;
  const inFlight: Array<Promise<Generated[]>> = [];
  try {
    for (let done = 0; done < count; ) {
      const n = Math.min(size, count - done);
      const [hashes, who, batch] = [
        new Uint8Array(n * 32),
        new Uint8Array(n),
        [] as Array<Generated & { who: number }>,
      ];
      while (batch.length < n) {
        const next = traffic.next();
        if (!keep(next.who)) continue;
        hashes.set(next.hash, batch.length * 32);
        who[batch.length] = next.who;
        batch.push({ who: next.who, hash: next.hash, entry: { header: next.header, sig: '', body: next.body } });
      }
      done += n;
      inFlight.push(
        pool.sign(hashes, who).then((sigs) => {
          batch.forEach((g, i) => {
            g.entry.sig = toBase64url(sigs.subarray(i * 64, i * 64 + 64));
          });
          return batch;
        }),
      );
      if (inFlight.length > 2 * cores) await sink(await inFlight.shift()!);
    }
    while (inFlight.length > 0) await sink(await inFlight.shift()!);
  } finally {
    await pool.close();
  }
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === role) {
  signingThread((workerData as { seeds: Uint8Array[] }).seeds);
}
