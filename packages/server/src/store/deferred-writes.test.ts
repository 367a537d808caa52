import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachDialect, pgUrl } from './_util.js';
import { AT_COMMIT_MARK, DEFER_MARK, DeferringClient, deferred } from './dialects/deferred-writes.js';

const tricky = ["it's", 'back\\slash', '$1 and $2', '"quoted"', 'ünïcødé ✓', "''", "E'\\x00'"];

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
        // A large marked statement is held too: its values are bound, not parsed (a catch-up's inserts).
        const rows = Array.from({ length: 500 }, (_, i) => [1000 + i, `bulk ${i}`.repeat(100)]);
        const placeholders = rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
        await query(`insert into t (id, s) values ${placeholders} ${DEFER_MARK}`, rows.flat());
        assert.equal(client.held, 2);
        assert.equal((await query('select count(*)::int as n from t where id >= $1', [1000])).rows[0]!.n, 500);
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

    it('sends a transaction’s begin, the writes held and the next read in one round trip, every value as a parameter', async () => {
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
        // A read after held writes: one round trip too. A number against a text column is
        // compared as text, as a parameter is (a bare 5 would fail: text = integer).
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
        // An array goes as a parameter too, in the same round trip as the held statements.
        roundTrips = 0;
        connection.on('readyForQuery', count);
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [4, 'four']);
        const any = await query('select count(*)::int as n from t where id = any($1)', [[1, 2, 4]]);
        assert.equal(any.rows[0]!.n, 3);
        await query('commit');
        connection.off('readyForQuery', count);
        assert.equal(roundTrips, 2, 'begin + write + read, commit');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 3);
        // Strings with quotes and backslashes, null and booleans mean what they mean as parameters.
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
        // A statement with a comment, its values bound as they stand.
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [8, 'eight']);
        const commented = await query("select count(*)::int as n from t -- it's\n where id >= $1", [7]);
        assert.equal(commented.rows[0]!.n, 2);
        await query('rollback');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 5);
      });
    });

    it('takes a transaction whose pipeline failed as failed, until rolled back', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [1, 'one']);
        // The begin and the insert ran; the read fails at its Parse, and the server skips the rest.
        await assert.rejects(
          query('selec count(*) from t where id = $1', [1]),
          (e: { code?: string }) => e.code === '42601',
        );
        // Refused here, as PostgreSQL refuses statements in an aborted transaction.
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

    it('binds held statements to plans prepared on the server: each parsed once per connection, none twice', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        const connection = (client as unknown as { connection: { parse(m: { name?: string }): void } }).connection;
        const parse = connection.parse.bind(connection);
        const parsed: Array<string | undefined> = [];
        connection.parse = (m) => {
          parsed.push(m.name || undefined);
          parse(m);
        };
        const insert = `insert into t (id, s) values ($1, $2) ${DEFER_MARK}`;
        const read = 'select count(*)::int as n from t where id > $1';
        const transaction = async (ids: number[]) => {
          await query('begin');
          for (const id of ids) await query(insert, [id, `row ${id}`]);
          const { rows } = await query(read, [0]);
          await query('commit');
          return rows[0]!.n;
        };
        // The insert twice in one pipeline: unnamed the first time, then prepared, and parsed once.
        assert.equal(await transaction([1, 2, 3]), 3);
        assert.deepEqual(
          parsed.filter((n) => n !== undefined),
          ['parley_0_0'],
        );
        parsed.length = 0;
        assert.equal(await transaction([4, 5]), 5);
        // The read is prepared now; the insert is bound to its plan, not parsed again.
        assert.deepEqual(
          parsed.filter((n) => n !== undefined),
          ['parley_0_1'],
        );
        parsed.length = 0;
        assert.equal(await transaction([6]), 6);
        assert.deepEqual(
          parsed.filter((n) => n !== undefined),
          [],
        );
        const prepared = await query('select statement from pg_prepared_statements order by name');
        assert.deepEqual(
          prepared.rows.map((r) => r.statement),
          [insert, read],
        );
      });
    });

    it('knows which statements a failed pipeline prepared: those before the error, not those the server skipped', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        const first = `insert into t (id, s) values ($1, $2) ${DEFER_MARK}`;
        const second = `insert into t (s, id) values ($2, $1) ${DEFER_MARK}`;
        const read = 'select count(*)::int as n from t where id > $1';
        // Each text seen once: the next pipeline prepares them.
        await query('begin');
        await query(first, [1, 'one']);
        await query(second, [2, 'two']);
        await query(read, [0]);
        await query('rollback');
        // `first` is prepared and then fails (a duplicate key); `second` and the read, after it, are skipped.
        await query('begin');
        await query(first, [10, 'ten']);
        await query(first, [10, 'again']);
        await query(second, [11, 'eleven']);
        await assert.rejects(query(read, [0]), (e: { code?: string }) => e.code === '23505');
        await query('rollback');
        // Sent again: `first` bound to its plan (parsed again it would fail, 42P05), the others
        // prepared now (bound without a plan they would fail, 26000).
        await query('begin');
        await query(first, [20, 'twenty']);
        await query(second, [21, 'twenty-one']);
        assert.equal((await query(read, [0])).rows[0]!.n, 2);
        await query('commit');
        await query('begin');
        await query(second, [22, 'twenty-two']);
        assert.equal((await query(read, [0])).rows[0]!.n, 3);
        await query('commit');
      });
    });

    it('fails a pipeline holding a value pg cannot send before sending any of it, and refuses what follows', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        const connection = (client as unknown as { connection: import('node:events').EventEmitter }).connection;
        let answers = 0;
        const count = () => answers++;
        const circular: { toPostgres?: () => unknown } = {};
        circular.toPostgres = () => circular;
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [1, 'one']);
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [2, circular]);
        connection.on('readyForQuery', count);
        await assert.rejects(query('select count(*)::int as n from t where id > $1', [0]), /circular/);
        connection.off('readyForQuery', count);
        assert.equal(answers, 0, 'nothing of the pipeline, not even its begin, reached the server');
        // The transaction never began on the server: this insert would run, and commit, on its own.
        await assert.rejects(
          query('insert into t (id, s) values ($1, $2)', [3, 'three']),
          (e: { code?: string }) => e.code === '25P02',
        );
        await assert.rejects(query('commit'), (e: { code?: string }) => e.code === '25P02');
        await query('rollback');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 0);
      });
    });

    it('sends a text of several commands after what is held, and a held write past the bound at once', async () => {
      await onOwnClient(async (client) => {
        const query = (text: string, values: unknown[] = []) =>
          client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
        await query('begin');
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [1, 'one']);
        // One Parse cannot take two commands: the held statements go first, then the text as it is.
        await query("insert into t (id, s) values (2, 'two'); insert into t (id, s) values (3, 'three')");
        assert.equal(client.held, 0);
        // Values of about 2.5 MB: past what a connection holds, so sent at once with what is held.
        await query(`insert into t (id, s) values ($1, $2) ${DEFER_MARK}`, [4, 'four']);
        const rows = Array.from({ length: 500 }, (_, i) => [1000 + i, 'x'.repeat(5000)]);
        const placeholders = rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
        const big = await query(`insert into t (id, s) values ${placeholders} ${DEFER_MARK}`, rows.flat());
        assert.equal(big.command, 'INSERT', 'answered by the server, not held');
        assert.equal(client.held, 0);
        await query('commit');
        assert.equal((await query('select count(*)::int as n from t')).rows[0]!.n, 504);
      });
    });

    it('keeps a timed-out pipeline’s prepared statements known: the server still answers it after the caller', async () => {
      const schema = (target.freshConfig() as { schema: string }).schema;
      const client = new DeferringClient({ connectionString: pgUrl, query_timeout: 150 });
      await client.connect();
      const query = (text: string, values: unknown[] = []) =>
        client.query(text, values) as unknown as Promise<{ rows: Array<Record<string, unknown>>; command: string }>;
      try {
        await query(`create schema ${schema}; set search_path = ${schema}`);
        await query('create table t (id integer primary key, s text)');
        const insert = `insert into t (id, s) values ($1, $2) ${DEFER_MARK}`;
        const slow = 'select pg_sleep($1) as slept';
        const read = 'select count(*)::int as n from t where id > $1';
        // Seen once (sent unnamed): the next pipeline prepares the insert.
        await query('begin');
        await query(insert, [1, 'one']);
        await query(read, [0]);
        await query('rollback');
        // The insert is prepared in a pipeline that outlives its caller's timeout.
        await query('begin');
        await query(insert, [2, 'two']);
        await assert.rejects(query(slow, [0.5]), /timeout/);
        // The server answers it later: wait for that (a statement queued behind it would time out too).
        await new Promise((resolve) => setTimeout(resolve, 700));
        await query('rollback');
        // Bound to its plan, not parsed again (that would fail: 42P05, already exists).
        await query('begin');
        await query(insert, [3, 'three']);
        assert.equal((await query(read, [0])).rows[0]!.n, 1);
        await query('commit');
      } finally {
        await query(`drop schema if exists ${schema} cascade`).catch(() => {});
        await client.end();
      }
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
