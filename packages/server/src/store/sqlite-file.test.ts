import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isParleyError } from '@parley/contract';
import { accept, channel, channelRow, headOf, messageBody, type Signed, signFeed, storedAt } from './_fixtures.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

// What only a file can do: fill up, lose its write permission, be missing.
const only = process.env.PARLEY_TEST_DB;
const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
const worker = fileURLToPath(new URL('./_try-append-worker.js', import.meta.url));

describe('SQLite file', { skip: only && only !== 'sqlite' ? `PARLEY_TEST_DB=${only}` : false }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function seeded(path: string, maxBytes?: number): Promise<Store> {
    const store = await openStore({ sqlitePath: path, ...(maxBytes ? { maxBytes } : {}) });
    await store.migrate();
    await store.putChannel(channelRow());
    return store;
  }

  it('rejects a write past a full disk with PARLEY_E_IO and keeps every earlier write whole', async () => {
    const path = join(dir, 'full.db');
    const store = await seeded(path, 512 * 1024);
    const stored: Signed[] = [];
    let failure: unknown;
    while (failure === undefined) {
      const head = stored.length ? headOf(stored[stored.length - 1]!) : undefined;
      const batch = signFeed('us-js', 25, head, (seq) => ({ type: 'message', body: messageBody(seq) }));
      try {
        await store.appendEntries(channel, 'us-js', accept('us-js', batch, head), storedAt);
        stored.push(...batch);
      } catch (error) {
        failure = error;
      }
    }
    assert.ok(isParleyError(failure, 'PARLEY_E_IO'), String(failure));
    assert.deepEqual({ ...failure.details }, { op: 'write', path, reason: 'disk full (SQLITE_FULL)' });
    assert.ok(stored.length >= 25);
    assert.deepEqual(await store.head(channel, 'us-js'), headOf(stored[stored.length - 1]!));
    await store.close();

    const roomy = await openStore({ sqlitePath: path });
    try {
      assert.equal((await roomy.range(channel, 'us-js', 1, 10_000)).length, stored.length);
      assert.equal(await roomy.maxSerial(channel, 'us-js'), stored.length);
      const head = headOf(stored[stored.length - 1]!);
      await roomy.appendEntries(channel, 'us-js', accept('us-js', signFeed('us-js', 1, head), head), storedAt);
      assert.equal((await roomy.head(channel, 'us-js'))?.seq, stored.length + 1);
      assert.equal(await roomy.rebuildProjections(), stored.length + 1);
    } finally {
      await roomy.close();
    }
  });

  it('reads a file it may not write, and rejects appends with PARLEY_E_IO', async () => {
    const folder = mkdtempSync(join(dir, 'ro-'));
    const path = join(folder, 'parley.db');
    const store = await seeded(path);
    const feed = signFeed('us-js', 2);
    await store.appendEntries(channel, 'us-js', accept('us-js', feed), storedAt);
    await store.close();
    chmodSync(path, 0o444);
    // root writes any file whatever its mode: run the worker as nobody, who owns the folder but not the right to write.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(dir, 0o755);
      chownSync(folder, 65534, 65534);
      chownSync(path, 65534, 65534);
    }
    const out = execFileSync(process.execPath, [worker, path], asRoot ? { uid: 65534, gid: 65534 } : {});
    const { head, outcome } = JSON.parse(out.toString());
    assert.deepEqual(head, headOf(feed[1]!));
    assert.equal(outcome.code, 'PARLEY_E_IO');
    assert.deepEqual(outcome.details, { op: 'write', path, reason: 'read-only (SQLITE_READONLY)' });
  });

  it('names the path when the file cannot be opened', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a database, not at all: '.repeat(200));
    await assert.rejects(openStore({ sqlitePath: garbage }), (error) => {
      assert.ok(isParleyError(error, 'PARLEY_E_IO'), String(error));
      assert.deepEqual(
        { ...error.details },
        { op: 'open', path: garbage, reason: 'not a valid database file (SQLITE_NOTADB)' },
      );
      return true;
    });
    const path = join(dir, 'missing', 'parley.db');
    await assert.rejects(openStore({ sqlitePath: path }), (error) => {
      assert.ok(isParleyError(error, 'PARLEY_E_IO'), String(error));
      assert.deepEqual({ ...error.details }, { op: 'open', path, reason: 'its folder does not exist' });
      return true;
    });
  });
});
