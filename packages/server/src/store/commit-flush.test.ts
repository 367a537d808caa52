import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { accept, channel, channelRow, signFeed, signNext, storedAt } from './_fixtures.js';
import { type DialectTarget, forEachDialect, pgUrl } from './_util.js';
import type { StoreDialect } from './capabilities.js';
import type { Database } from './database.js';
import { AT_COMMIT_MARK } from './dialects/deferred-writes.js';
import { ImmediateSqliteDialect } from './dialects/sqlite-immediate.js';
import { KyselyStore } from './kysely-store.js';
import { openStore } from './open-store.js';
import { writeTransaction } from './write-transaction.js';

/**
 * The flush level a transaction commits with, noted from inside it and read
 * once it has committed. SQLite: `synchronous` (2 = FULL, 1 = NORMAL), fixed
 * for the transaction when it begins. PostgreSQL: `synchronous_commit` as
 * the commit sees it — the unflushed transaction's SET LOCAL is sent with its
 * commit, so a probe held for the commit after it records what is in force.
 */
class Levels {
  readonly #target: DialectTarget;
  readonly #dialect: StoreDialect;
  readonly #seen = new Map<string, string>();
  #n = 0;

  constructor(target: DialectTarget, dialect: StoreDialect) {
    this.#target = target;
    this.#dialect = dialect;
  }

  async setUp(): Promise<void> {
    if (this.#target.name === 'postgres')
      await sql`create table flush_probe (tag text, level text)`.execute(this.#dialect.db);
  }

  /** Notes, inside `trx`, the level its commit runs with; returns the tag to look it up by. */
  async note(trx: Kysely<Database>): Promise<string> {
    const tag = `t${++this.#n}`;
    if (this.#target.name === 'sqlite') {
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(trx);
      this.#seen.set(tag, rows[0]!.synchronous === 2 ? 'flushed' : rows[0]!.synchronous === 1 ? 'unflushed' : '?');
    } else {
      await sql
        .raw(`insert into flush_probe select '${tag}', current_setting('synchronous_commit') ${AT_COMMIT_MARK}`)
        .execute(trx);
    }
    return tag;
  }

  /** How the transaction that noted `tag` committed: flushed or unflushed. */
  async of(tag: string): Promise<string> {
    if (this.#target.name === 'sqlite') return this.#seen.get(tag) ?? 'not committed';
    const { rows } = await sql<{ level: string }>`select level from flush_probe where tag = ${tag}`.execute(
      this.#dialect.db,
    );
    if (rows.length === 0) return 'not committed';
    // Flushed is the server's own setting, whatever it is (on, remote_apply…), as long as it is not off.
    return rows[0]!.level === 'off' ? 'unflushed' : 'flushed';
  }

  /** Runs a transaction that notes its level and returns how it committed. */
  async run(durability: 'flushed' | 'unflushed'): Promise<string> {
    return this.of(await writeTransaction(this.#dialect, (trx) => this.note(trx), durability));
  }
}

forEachDialect('commit flush', (t) => {
  async function fresh(): Promise<{ dialect: StoreDialect; levels: Levels }> {
    const config = t.freshConfig();
    await t.open(config); // migrated
    const dialect = t.dialect(config);
    const levels = new Levels(t, dialect);
    await levels.setUp();
    return { dialect, levels };
  }

  it('an unflushed transaction skips the flush for itself alone, committed or rolled back', async () => {
    const { dialect, levels } = await fresh();
    assert.equal(await levels.run('flushed'), 'flushed');
    assert.equal(await levels.run('unflushed'), 'unflushed');
    assert.equal(await levels.run('flushed'), 'flushed');
    let tag = '';
    await assert.rejects(
      writeTransaction(
        dialect,
        async (trx) => {
          tag = await levels.note(trx);
          throw new Error('abandoned');
        },
        'unflushed',
      ),
      /abandoned/,
    );
    if (t.name === 'postgres') assert.equal(await levels.of(tag), 'not committed');
    else assert.equal(await levels.of(tag), 'unflushed');
    assert.equal(await levels.run('flushed'), 'flushed');
    // Outside any transaction too, the setting is the full flush again.
    if (t.name === 'sqlite') {
      assert.equal(
        (await sql<{ synchronous: number }>`pragma synchronous`.execute(dialect.db)).rows[0]?.synchronous,
        2,
      );
    } else {
      assert.notEqual(
        (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(dialect.db)).rows[0]
          ?.synchronous_commit,
        'off',
      );
    }
  });

  it('a flushed transaction waiting behind an unflushed one still flushes', async () => {
    const { dialect, levels } = await fresh();
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
        return levels.note(trx);
      },
      'unflushed',
    );
    await inside;
    const second = writeTransaction(dialect, (trx) => levels.note(trx));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual([await levels.of(a), await levels.of(b)], ['unflushed', 'flushed']);
  });

  it('the store skips the flush only for transactions holding nothing but other members’ entries', async () => {
    const { dialect } = await fresh();
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

forEachDialect('durability warnings', (t) => {
  it('says nothing of a database set up as the store relies on', async () => {
    const store = await t.open();
    assert.deepEqual(await store.durabilityWarnings(), []);
  });

  if (t.name === 'postgres') {
    it('says so when synchronous_commit is off for the node’s role', async () => {
      const role = `parley_dw_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      try {
        await admin.query(`create role ${role} login`);
        await admin.query(`alter role ${role} set synchronous_commit = off`);
        const url = new URL(pgUrl);
        url.username = role;
        url.password = '';
        const store = await openStore({ url: url.toString() });
        try {
          const warnings = await store.durabilityWarnings();
          assert.equal(warnings.length, 1, JSON.stringify(warnings));
          assert.match(warnings[0]!, /synchronous_commit is off/);
        } finally {
          await store.close();
        }
      } finally {
        await admin.query(`drop role if exists ${role}`).catch(() => {});
        await admin.end();
      }
    });
  }
});
