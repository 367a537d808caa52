import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { forEachDialect, pgUrl } from './_util.js';
import { AT_COMMIT_MARK, DEFER_MARK, DeferringClient, deferred, inline } from './dialects/deferred-writes.js';

const tricky = ["it's", 'back\\slash', '$1 and $2', '"quoted"', 'ünïcødé ✓', "''", "E'\\x00'"];

describe('deferred writes: inlining values', () => {
  it('replaces each $n outside quotes, longest number first', () => {
    assert.equal(
      inline('insert into "t$1" (a, b) values ($1, $10) -- \'$2\'', [1, 2, 3, 4, 5, 6, 7, 8, 9, 'ten']),
      `insert into "t$1" (a, b) values (1, 'ten') -- '$2'`,
    );
  });
  it('writes strings, bytes, numbers, booleans and null as literals', () => {
    assert.equal(
      inline('$1,$2,$3,$4,$5', ["it's", Buffer.from([0, 255]), -2.5, true, null]),
      `'it''s',E'\\\\x00ff'::bytea,-2.5,true,null`,
    );
    assert.equal(inline('$1', ['a\\b']), ` E'a\\\\b'`);
  });
  it('refuses what it cannot write faithfully', () => {
    assert.throws(() => inline('$2', [1]), RangeError);
    assert.throws(() => inline('$1', [Number.NaN]), RangeError);
    assert.throws(() => inline('$1', [[1, 2]]), TypeError);
    assert.throws(() => inline('$1', ['a\u0000b']), /U\+0000/);
  });
});

forEachDialect('deferred writes', (target) => {
  const bytes = target.name === 'sqlite' ? 'blob' : 'bytea';

  async function table() {
    const config = target.freshConfig();
    await target.open(config); // creates the schema (PostgreSQL) or the file
    const db = target.raw(config);
    await sql`create table t (id integer primary key, s text not null, b ${sql.raw(bytes)}, n bigint)`.execute(db);
    return db;
  }

  it('a transaction reads what it wrote, and commits what a parameter would have written', async () => {
    const db = await table();
    const rows = tricky.map((s, i) => ({ id: i + 1, s, b: Buffer.from([i, 0, 255, 39, 92]), n: 2 ** 40 + i }));
    const inside = await db.transaction().execute(async (trx) => {
      for (const row of rows) await deferred(trx.insertInto('t' as never).values(row as never)).execute();
      await deferred(
        trx
          .updateTable('t' as never)
          .set({ s: 'changed' } as never)
          .where('id' as never, '=', 1 as never),
      ).execute();
      return sql<{ id: number; s: string }>`select id, s from t order by id`.execute(trx);
    });
    assert.deepEqual(
      inside.rows.map((r) => [Number(r.id), r.s]),
      rows.map((r) => [r.id, r.id === 1 ? 'changed' : r.s]),
    );
    const after = await sql<{
      id: number;
      s: string;
      b: Uint8Array;
      n: string | number;
    }>`select * from t order by id`.execute(db);
    assert.equal(after.rows.length, rows.length);
    for (const [i, row] of after.rows.entries()) {
      assert.equal(row.s, i === 0 ? 'changed' : tricky[i]);
      assert.deepEqual(Buffer.from(row.b), rows[i]!.b);
      assert.equal(Number(row.n), rows[i]!.n);
    }
  });

  it('a deferred write that fails fails the transaction, and nothing of it stays', async () => {
    const db = await table();
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('t' as never)
          .values({ id: 1, s: 'not deferred' } as never)
          .execute();
        await deferred(trx.insertInto('t' as never).values({ id: 2, s: 'first' } as never)).execute();
        await deferred(trx.insertInto('t' as never).values({ id: 2, s: 'same key' } as never)).execute();
      }),
      /unique|UNIQUE|duplicate/,
    );
    const left = await sql`select * from t`.execute(db);
    assert.equal(left.rows.length, 0);
  });

  /** A DeferringClient of its own on a fresh schema holding table t (id, s); dropped after `body`. */
  async function onOwnClient(body: (client: DeferringClient) => Promise<void>): Promise<void> {
    const schema = (target.freshConfig() as { schema: string }).schema;
    const client = new DeferringClient({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`create schema ${schema}; set search_path = ${schema}`);
      await client.query('create table t (id integer primary key, s text)');
      await body(client);
    } finally {
      await client.query(`drop schema if exists ${schema} cascade`).catch(() => {});
      await client.end();
    }
  }

  if (target.name === 'postgres') {
    it('holds deferred statements until the next statement that reads, then sends them in one message', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        await query('begin');
        assert.equal(client.held, 1, 'the begin waits for the first statement');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [1, 'one']);
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [2, 'two']);
        assert.equal(client.held, 3);
        const seen = await query('select count(*)::int as n from t where id > $1', [0]);
        assert.equal(client.held, 0);
        assert.equal(seen.rows[0]!.n, 2);
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [3, 'three']);
        // A large marked statement is sent at once, after what is held.
        const rows = Array.from({ length: 150 }, (_, i) => [1000 + i, `bulk ${i}`]);
        const placeholders = rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
        await query(`insert into t (id, s) values ${placeholders} ${DEFER_MARK}`, rows.flat());
        assert.equal(client.held, 0);
        await query(`delete from t where id >= $1 ${DEFER_MARK}`, [1000]);
        assert.equal(client.held, 1);
        assert.equal((await query('commit')).command, 'COMMIT');
        assert.equal(client.held, 0);
        // Outside a transaction a marked statement runs at once.
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [4, 'four']);
        assert.equal(client.held, 0);
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 4);
        // A rollback drops what is held.
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [5, 'five']);
        await query('rollback');
        assert.equal(client.held, 0);
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 4);
      });
    });

    it('sends a transaction’s begin, the writes held and the next read in one message, the read’s values written in as pg sends them', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        let roundTrips = 0;
        const count = () => roundTrips++;
        const connection = (client as unknown as { connection: import('node:events').EventEmitter }).connection;
        await query('insert into t (id, s) values (1, $1)', ['5']);
        connection.on('readyForQuery', count);
        // An append's shape: begin, lock and read the head, write (held), commit.
        await query('begin');
        const head = await query('select id, s from t where id = $1 for update', [1]);
        assert.deepEqual(head.rows, [{ id: 1, s: '5' }]);
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [2, 'two']);
        // A read after held writes: one message too. A number against a text column is
        // compared as text, as a parameter would be (a bare 5 would fail: text = integer).
        const seen = await query('select count(*)::int as n from t where s = $1 or id > $2', [5, 1]);
        assert.equal(seen.rows[0]!.n, 2);
        assert.equal((await query('commit')).command, 'COMMIT');
        connection.off('readyForQuery', count);
        assert.equal(roundTrips, 3, 'begin + lock, write + read, commit');
        // A transaction that sent nothing is not rolled back on the server: nothing reached it.
        roundTrips = 0;
        connection.on('readyForQuery', count);
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [3, 'three']);
        assert.equal((await query('rollback')).command, 'ROLLBACK');
        connection.off('readyForQuery', count);
        assert.equal(roundTrips, 0);
        assert.equal(client.held, 0);
        // Values that cannot be written in (an array) go as parameters, after the held statements.
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [4, 'four']);
        const any = await query('select count(*)::int as n from t where id = any($1)', [[1, 2, 4]]);
        assert.equal(any.rows[0]!.n, 3);
        await query('commit');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 3);
        // Strings with quotes and backslashes, null and booleans written in mean what the parameters meant.
        await query('insert into t (id, s) values ($1, $2), ($3, $4)', [5, "it's", 6, 'back\\slash']);
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [7, null]);
        const odd = await query('select count(*)::int as n from t where s = $1 or s = $2 or (s is null and $3) or $4', [
          "it's",
          'back\\slash',
          true,
          false,
        ]);
        assert.equal(odd.rows[0]!.n, 3);
        // A statement the scanner could misread (a comment) is sent with its parameters instead.
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [8, 'eight']);
        const commented = await query("select count(*)::int as n from t -- it's\n where id >= $1", [7]);
        assert.equal(commented.rows[0]!.n, 2);
        await query('rollback');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 5);
      });
    });

    it('takes a transaction whose held begin went in a message that failed unrun as failed, until rolled back', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [1, 'one']);
        // A syntax error fails the whole message before any of it runs, the begin included.
        await assert.rejects(
          query('selec count(*) from t where id = $1', [1]),
          (e: { code?: string }) => e.code === '42601',
        );
        // What follows would otherwise run (and commit) on its own: refused, as in an aborted transaction.
        await assert.rejects(
          query('insert into t (id, s) values ($1, $2)', [2, 'two']),
          (e: { code?: string }) => e.code === '25P02',
        );
        await assert.rejects(query('commit'), (e: { code?: string }) => e.code === '25P02');
        await query('rollback');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 0);
      });
    });

    it('holds a setting for the commit: sent in the commit’s message, after the writes, dropped by a rollback', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        let roundTrips = 0;
        const count = () => roundTrips++;
        const connection = (client as unknown as { connection: import('node:events').EventEmitter }).connection;
        await query('begin');
        await query(`set local application_name = 'at commit' ${AT_COMMIT_MARK}`);
        await query(`insert into t (id, s) select 7, current_setting('application_name') ${AT_COMMIT_MARK}`);
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [8, 'eight']);
        assert.equal(client.heldForCommit, 2);
        // A read sends the held writes, not what waits for the commit.
        const seen = await query('select count(*)::int as n from t where id >= $1', [7]);
        assert.equal(seen.rows[0]!.n, 1);
        assert.equal(client.heldForCommit, 2);
        await query(`delete from t where id = $1 ${DEFER_MARK}`, [8]);
        connection.on('readyForQuery', count);
        assert.equal((await query('commit')).command, 'COMMIT');
        connection.off('readyForQuery', count);
        assert.equal(roundTrips, 1);
        assert.equal(client.heldForCommit, 0);
        // It ran in the transaction, after the setting before it, and committed with it.
        assert.deepEqual((await query('select id, s from t where id >= $1', [7])).rows, [{ id: 7, s: 'at commit' }]);
        await query('begin');
        await query(`insert into t (id, s) values (9, 'nine') ${AT_COMMIT_MARK}`);
        await query('rollback');
        assert.equal(client.heldForCommit, 0);
        assert.equal((await query('select count(*)::int as n from t where id = $1', [9])).rows[0]!.n, 0);
      });
    });

    it('prepares a statement on the server the second time it is sent, and prepares anew after the table changed', async () => {
      await onOwnClient(async (client) => {
        await client.query('insert into t values (1, $1)', ['one']);
        const query = (text: string, values: unknown[]) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>> }>;
        const prepared = async () =>
          (await client.query('select name, statement from pg_prepared_statements order by name')).rows;
        const select = 'select * from t where id = $1';
        assert.deepEqual((await query(select, [1])).rows, [{ id: 1, s: 'one' }]);
        assert.deepEqual(await prepared(), [], 'the first time, unnamed');
        for (let i = 0; i < 3; i++) assert.deepEqual((await query(select, [1])).rows, [{ id: 1, s: 'one' }]);
        assert.deepEqual(await prepared(), [{ name: 'parley_0_0', statement: select }]);
        // Another process adds a column: the prepared `select *` cannot change its result's shape.
        await client.query('alter table t add column n integer');
        await assert.rejects(query(select, [1]), (e: { code?: string }) => e.code === '0A000');
        assert.deepEqual((await query(select, [1])).rows, [{ id: 1, s: 'one', n: null }]);
        assert.deepEqual((await query(select, [1])).rows, [{ id: 1, s: 'one', n: null }]);
        assert.deepEqual(
          (await prepared()).map((r) => r.name),
          ['parley_0_0', 'parley_1_0'],
        );
      });
    });

    it('prepares nothing on the server when told not to (PARLEY_DATABASE_PREPARE=0, for a pooler)', async () => {
      const client = new DeferringClient({ connectionString: pgUrl, parleyPrepare: false });
      await client.connect();
      try {
        for (let i = 0; i < 4; i++) await client.query('select $1::int as n', [i]);
        assert.deepEqual((await client.query('select name from pg_prepared_statements')).rows, []);
      } finally {
        await client.end();
      }
    });
  }
});
