import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compactRangeNodes, fromBase64url, MemoryMerkleLog, rootAt } from '@parley/record';
import { accept, channel, channelRow, signFeed, signNext, storedAt } from './_fixtures.js';
import { forEachDialect } from './_util.js';
import { merkleNodeKey } from './merkle-nodes.js';
import type { Store } from './store.js';

const worker = fileURLToPath(new URL('./_append-worker.js', import.meta.url));

/** The feed holds seqs 1..n exactly once, each chained to the one before, and its tree covers them all. */
async function assertChained(store: Store, author: string, n: number): Promise<void> {
  const rows = await store.range(channel, author, 1, n + 10);
  assert.deepEqual(
    rows.map((r) => r.seq),
    Array.from({ length: n }, (_, i) => i + 1),
  );
  let prev: string | null = null;
  const log = new MemoryMerkleLog();
  for (const row of rows) {
    assert.equal(JSON.parse(row.header).prev, prev, `prev of seq ${row.seq}`);
    prev = row.id;
    log.append(fromBase64url(row.id, 'id', 32));
  }
  assert.deepEqual(await store.head(channel, author), { seq: n, id: prev, time: rows[n - 1]!.time });
  const nodes = await store.merkleNodes(channel, author, compactRangeNodes(n));
  assert.deepEqual(
    rootAt(n, (level, index) => nodes.get(merkleNodeKey(level, index))!),
    log.root(),
  );
}

function runWorker(config: unknown, author: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, JSON.stringify(config), author, String(count)], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
}

forEachDialect('store concurrency', (t) => {
  it('serialises 2 × 100 concurrent appendOwn from two stores into one chain', async () => {
    const config = t.freshConfig();
    const [a, b] = [await t.open(config), await t.open(config)];
    await a.putChannel(channelRow());
    const append = (store: Store) => store.appendOwn(channel, 'us-js', (head) => signNext('us-js', head), storedAt);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => append(i % 2 ? a : b)));
    assert.equal(new Set(results.map((r) => r.entry.header.seq)).size, 200);
    await assertChained(a, 'us-js', 200);
  });

  it('serialises appendOwn from two processes that also migrate at once', async () => {
    const config = t.freshConfig();
    await Promise.all([runWorker(config, 'us-js', 60), runWorker(config, 'us-js', 60)]);
    const store = await t.open(config);
    await assertChained(store, 'us-js', 120);
  });

  it('refuses the loser of two racing appendEntries with PARLEY_E_GAP', async () => {
    const config = t.freshConfig();
    const [a, b] = [await t.open(config), await t.open(config)];
    await a.putChannel(channelRow());
    const feed = accept('us-js', signFeed('us-js', 3));
    const outcomes = await Promise.allSettled([
      a.appendEntries(channel, 'us-js', feed, storedAt),
      b.appendEntries(channel, 'us-js', feed, storedAt),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.equal(lost.reason.code, 'PARLEY_E_GAP');
    assert.equal(lost.reason.details.head, 3);
    await assertChained(a, 'us-js', 3);
  });
});
