import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { examples, isParleyError } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import { checkEntryForm } from '../entry/check.js';
import type { JsonValue } from '../jcs/parse.js';
import { KeyHistory, type KeyTable } from '../keys/key-history.js';
import { channel, clone, keysFor, makeFeed, signerFor } from '../test-util/factory.js';
import { FeedVerifier } from './feed-verifier.js';
import { ForkError } from './fork.js';
import { SignatureBatch, SignaturePool, SignatureQueue, verifyFeedParallel } from './parallel.js';

const members = ['us-js', 'cn-jsd'];
const keys: KeyTable = keysFor(...members).toTable();
const message = (seq: number) => ({ ...examples.message, serial: seq }) as unknown as JsonValue;
// More than two batches of 1000, so verdicts cross batch and worker boundaries.
const feed = makeFeed(2300, { body: (seq) => ({ type: 'message', body: message(seq) }) });
// biome-ignore lint/suspicious/noExplicitAny: tampering means writing fields of any shape
type Mutable = any;

type Verdict = { head: unknown; count: number } | { code: string; details: unknown; fork: boolean };

function sequential(entries: unknown[], requireBodies?: boolean): Verdict {
  const verifier = new FeedVerifier({
    channel,
    author: 'us-js',
    keys: KeyHistory.fromTable(keys),
    members,
    requireBodies,
  });
  try {
    for (const entry of entries) verifier.verify(entry);
    return { head: verifier.head, count: entries.length };
  } catch (error) {
    return failure(error);
  }
}

async function parallel(entries: unknown[], pool?: SignaturePool, requireBodies?: boolean): Promise<Verdict> {
  try {
    return await verifyFeedParallel(entries, { channel, author: 'us-js', keys, members, requireBodies, pool });
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): Verdict {
  assert.ok(isParleyError(error), String(error));
  return { code: error.code, details: error.details, fork: error instanceof ForkError };
}

/** A signature that is well-formed but made by another key. */
function forge(entries: Mutable[], at: number): void {
  entries[at].sig = toBase64url(signerFor('cn-jsd').sign(new Uint8Array(48).fill(at % 256)));
}

/** A few positions from a seeded generator, so a failure reproduces. */
function positions(count: number, below: number, seed = 7): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  });
}

describe('verifyFeedParallel', () => {
  let pool: SignaturePool;
  before(() => {
    pool = SignaturePool.start(2);
  });
  after(() => pool.close());

  const same = async (entries: unknown[], requireBodies?: boolean) => {
    const expected = sequential(entries, requireBodies);
    assert.deepEqual(await parallel(entries, pool, requireBodies), expected);
    return expected;
  };

  it('accepts a valid feed with the head and count FeedVerifier reaches', async () => {
    const verdict = await same(clone(feed));
    assert.deepEqual(verdict, { head: (sequential(feed) as { head: unknown }).head, count: feed.length });
    assert.equal((verdict as { head: { seq: number } }).head.seq, feed.length);
  });

  it('starts and closes its own pool when given none', async () => {
    const entries = clone(feed.slice(0, 50));
    assert.deepEqual(await parallel(entries), sequential(entries));
  });

  it('names the first forged signature, wherever it is', async () => {
    for (const at of [0, 999, 1000, feed.length - 1, ...positions(2, feed.length)]) {
      const entries = clone(feed);
      forge(entries, at);
      const verdict = await same(entries);
      assert.deepEqual(verdict, {
        code: 'PARLEY_E_BAD_SIGNATURE',
        details: { author: 'us-js', seq: at + 1 },
        fork: false,
      });
    }
  });

  it('reports the earliest failure when a forged signature and a gap both occur', async () => {
    const forgedFirst = clone(feed);
    forge(forgedFirst, 400);
    forgedFirst.splice(1500, 1);
    assert.equal(((await same(forgedFirst)) as { code: string }).code, 'PARLEY_E_BAD_SIGNATURE');
    const gapFirst = clone(feed);
    forge(gapFirst, 1700);
    gapFirst.splice(300, 1);
    assert.equal(((await same(gapFirst)) as { code: string }).code, 'PARLEY_E_GAP');
  });

  it('refuses a gap as FeedVerifier does', async () => {
    const entries = clone(feed);
    entries.splice(1234, 1);
    const verdict = await same(entries);
    assert.deepEqual(verdict, {
      code: 'PARLEY_E_GAP',
      details: { author: 'us-js', expected: 1235, got: 1236, head: 1234 },
      fork: false,
    });
  });

  it('refuses a bad body, but a forged signature on the same entry comes first', async () => {
    const entries: Mutable[] = clone(feed);
    entries[1500].body.subject = 'Altered';
    assert.equal(((await same(entries)) as { code: string }).code, 'PARLEY_E_BODY_HASH');
    forge(entries, 1500);
    assert.equal(((await same(entries)) as { code: string }).code, 'PARLEY_E_BAD_SIGNATURE');
  });

  it('takes withheld bodies when bodies are not required, and refuses them when they are', async () => {
    const entries: Mutable[] = clone(feed);
    for (const entry of entries.slice(10)) delete entry.body;
    assert.equal(((await same(entries, false)) as { count: number }).count, feed.length);
    assert.equal(((await same(entries)) as { code: string }).code, 'PARLEY_E_BODY_MISSING');
  });

  it('treats a resent entry as FeedVerifier does, and a different one at that seq as a fork', async () => {
    const resent = clone(feed.slice(0, 20));
    resent.splice(10, 0, clone(feed[9]!));
    assert.equal(((await same(resent)) as { count: number }).count, 21);
    const other = makeFeed(10, { body: (seq) => ({ type: 'message', body: message(seq + 1) }) });
    const forked = [...clone(feed.slice(0, 10)), clone(other[9]!)];
    assert.deepEqual(((await same(forked)) as { fork: boolean }).fork, true);
    forge(forked, 10);
    assert.equal(((await same(forked)) as { code: string }).code, 'PARLEY_E_BAD_SIGNATURE');
  });
});

describe('SignaturePool', () => {
  it('returns the failing positions of a batch, then refuses work once closed', async () => {
    const pool = SignaturePool.start(1);
    const batch = new SignatureBatch(4);
    const signer = signerFor('us-js');
    const hash = new Uint8Array(32).fill(1);
    const good = signer.sign(new Uint8Array([...Buffer.from('parley/entry/v1\n'), ...hash]));
    batch.add(signer.publicKey, hash, good);
    batch.add(signer.publicKey, hash, new Uint8Array(64));
    batch.add(signer.publicKey, new Uint8Array(32), good);
    assert.deepEqual(await pool.verify(batch), [1, 2]);
    assert.throws(() => batch.add(signer.publicKey, hash, good), /already sent/);
    await pool.close();
    await assert.rejects(pool.verify(new SignatureBatch(1)), /closed/);
  });

  it("queues signatures under the caller's indices and finds the first that fails", async () => {
    const pool = SignaturePool.start(2);
    const entries: Mutable[] = clone(feed.slice(0, 250));
    forge(entries, 170);
    forge(entries, 90);
    const queue = new SignatureQueue(pool, 64);
    entries.forEach((entry, i) => {
      queue.add(checkEntryForm(entry), 1000 + i);
    });
    assert.equal(await queue.settle(), 1090);
    assert.equal(queue.inFlight, 0);
    await pool.close();
    const late = new SignatureQueue(pool);
    late.add(checkEntryForm(feed[0]), 0);
    await assert.rejects(late.settle(), /closed/);
  });

  it('lets the process exit without close() once its work is done', () => {
    const url = new URL('./parallel.js', import.meta.url).href;
    const script = `
      const { SignatureBatch, SignaturePool } = await import(${JSON.stringify(url)});
      const pool = SignaturePool.start(2);
      const batch = new SignatureBatch(1);
      batch.add(new Uint8Array(32), new Uint8Array(32), new Uint8Array(64));
      console.log(JSON.stringify(await pool.verify(batch)));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.signal, null, 'the process hung');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '[0]');
  });
});
