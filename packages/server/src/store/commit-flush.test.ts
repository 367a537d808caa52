import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { accept, channel, channelRow, signFeed, signNext, storedAt } from './_fixtures.js';
import { type DialectTarget, forEachDialect } from './_util.js';
import type { StoreDialect } from './capabilities.js';
import type { Database } from './database.js';
import { ImmediateSqliteDialect } from './dialects/sqlite-immediate.js';
import { KyselyStore } from './kysely-store.js';
import { writeTransaction } from './write-transaction.js';

/**
 * Whether the transaction `trx` runs in will wait for the disk at its commit:
 * SQLite's synchronous (2 = FULL, 1 = NORMAL), PostgreSQL's synchronous_commit.
 */
async function flushes(target: DialectTarget, trx: Kysely<Database>): Promise<boolean> {
  if (target.name === 'sqlite') {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(trx);
    assert.ok(rows[0]!.synchronous === 2 || rows[0]!.synchronous === 1, JSON.stringify(rows));
    return rows[0]!.synchronous === 2;
  }
  const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(trx);
  assert.ok(['on', 'off'].includes(rows[0]!.synchronous_commit), JSON.stringify(rows));
  return rows[0]!.synchronous_commit === 'on';
}

forEachDialect('commit flush', (t) => {
  async function fresh(): Promise<StoreDialect> {
    const config = t.freshConfig();
    await t.open(config); // migrated
    return t.dialect(config);
  }

  it('an unflushed transaction skips the flush for itself alone, committed or rolled back', async () => {
    const dialect = await fresh();
    assert.equal(await writeTransaction(dialect, (trx) => flushes(t, trx)), true);
    assert.equal(await writeTransaction(dialect, (trx) => flushes(t, trx), 'unflushed'), false);
    assert.equal(await writeTransaction(dialect, (trx) => flushes(t, trx)), true);
    await assert.rejects(
      writeTransaction(
        dialect,
        async (trx) => {
          assert.equal(await flushes(t, trx), false);
          throw new Error('abandoned');
        },
        'unflushed',
      ),
      /abandoned/,
    );
    assert.equal(await writeTransaction(dialect, (trx) => flushes(t, trx)), true);
    // Outside any transaction too, the setting is the full flush again.
    assert.equal(await flushes(t, dialect.db), true);
  });

  it('a flushed transaction waiting behind an unflushed one still flushes', async () => {
    const dialect = await fresh();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = writeTransaction(
      dialect,
      async (trx) => {
        entered();
        await held;
        return flushes(t, trx);
      },
      'unflushed',
    );
    await inside;
    const second = writeTransaction(dialect, (trx) => flushes(t, trx));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    assert.deepEqual(await Promise.all([first, second]), [false, true]);
  });

  it('the store skips the flush only for transactions holding nothing but other members’ entries', async () => {
    const dialect = await fresh();
    const asked: string[] = [];
    let current = '';
    const store = new KyselyStore({
      ...dialect,
      unflushedTransaction: (fn) => {
        asked.push(current);
        return dialect.unflushedTransaction(fn);
      },
    });
    try {
      await store.putChannel(channelRow());
      const us = signFeed('us-js', 4);
      current = 'appendEntries';
      await store.appendEntries(channel, 'us-js', accept('us-js', us.slice(0, 2)), storedAt);
      current = 'appendBatch without own';
      await store.appendBatch(
        channel,
        [
          {
            author: 'us-js',
            entries: accept('us-js', us.slice(2, 3), { seq: 2, id: us[1]!.id, time: us[1]!.entry.header.time }),
          },
        ],
        undefined,
        storedAt,
      );
      current = 'appendBatch with own';
      await store.appendBatch(
        channel,
        [
          {
            author: 'us-js',
            entries: accept('us-js', us.slice(3), { seq: 3, id: us[2]!.id, time: us[2]!.entry.header.time }),
          },
        ],
        { author: 'cn-jsd', build: (head) => signNext('cn-jsd', head) },
        storedAt,
      );
      current = 'appendOwn';
      await store.appendOwn(channel, 'jp-jso', (head) => signNext('jp-jso', head), storedAt);
      current = 'appendOwnBatch';
      await store.appendOwnBatch(channel, 'jp-jso', [(head) => signNext('jp-jso', head)], storedAt);
      current = 'other writes';
      await store.raiseAlarm({ kind: 'k', channel: null, message: 'm', details: '{}', raisedAt: storedAt });
      assert.deepEqual(asked, ['appendEntries', 'appendBatch without own']);
      assert.equal((await store.heads(channel))['us-js']?.seq, 4);
    } finally {
      await store.close();
    }
  });
});

describe('commit flush [sqlite]: a transaction that cannot end', () => {
  it('keeps its own error, and the next transaction flushes again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-flush-'));
    const file = new SqliteDatabase(join(dir, 'parley.db'));
    file.pragma('journal_mode = WAL');
    file.pragma('synchronous = FULL');
    const dialect = new ImmediateSqliteDialect(file, 1000);
    const db = new Kysely<Database>({ dialect });
    const level = () => file.pragma('synchronous', { simple: true });
    try {
      // The disk fails as the transaction ends: neither its commit nor its rollback gets through.
      const prepare = file.prepare.bind(file);
      file.prepare = ((text: string) => {
        if (/^(commit|rollback)$/i.test(text.trim())) {
          throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        }
        return prepare(text);
      }) as typeof file.prepare;
      await assert.rejects(
        dialect.unflushedTransaction(db, async (trx) => {
          assert.equal((await sql<{ synchronous: number }>`pragma synchronous`.execute(trx)).rows[0]!.synchronous, 1);
        }),
        (error: unknown) => (error as { code?: string }).code === 'SQLITE_IOERR',
      );
      assert.equal(file.inTransaction, true);
      // Once the transaction is gone, the next one (any one) flushes.
      file.prepare = prepare;
      file.exec('rollback');
      await db.transaction().execute(async (trx) => {
        assert.equal((await sql<{ synchronous: number }>`pragma synchronous`.execute(trx)).rows[0]!.synchronous, 2);
      });
      assert.equal(level(), 2);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
