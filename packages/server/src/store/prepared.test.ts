import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { forEachDialect } from './_util.js';
import type { Database } from './database.js';
import { deferred } from './dialects/deferred-writes.js';
import { Prepared } from './prepared.js';

// A scratch table the statements below are built against (typed loosely: it is not part of the schema).
type Row = { id: number; s: string; n: number | null };
const t = 't' as never;

const byId = new Prepared((db, [p]: readonly { id: number }[]) =>
  db
    .selectFrom(t)
    .selectAll()
    .where('id' as never, '=', p!.id as never)
    .where('n' as never, 'is not', null),
);
const insert = new Prepared(
  (db, rows: readonly Row[]) =>
    deferred(db.insertInto(t).values(rows.map((r) => ({ id: r.id, s: r.s, n: r.n })) as never)),
  3,
);
const above = new Prepared((db, [p]: readonly { min: number; limit: number }[]) =>
  db
    .selectFrom(t)
    .select(['id' as never, 's' as never])
    .where('id' as never, '>', p!.min as never)
    .orderBy('id' as never)
    .limit(p!.limit),
);

forEachDialect('prepared statements', (target) => {
  async function table(): Promise<Kysely<Database>> {
    const config = target.freshConfig();
    await target.open(config);
    const db = target.raw(config);
    await sql`create table t (id integer primary key, s text not null, n bigint)`.execute(db);
    return db;
  }

  it('compiles to the text and values Kysely builds, with each run’s own values', async () => {
    const db = await table();
    for (const id of [7, 8]) {
      const fresh = db
        .selectFrom(t)
        .selectAll()
        .where('id' as never, '=', id as never)
        .where('n' as never, 'is not', null)
        .compile();
      const prepared = byId.compile(db, [{ id }]);
      assert.equal(prepared.sql, fresh.sql);
      assert.deepEqual(prepared.parameters, fresh.parameters);
    }
    const rows: Row[] = [
      { id: 1, s: "it's", n: 5 },
      { id: 2, s: '$1', n: null },
    ];
    const built = deferred(db.insertInto(t).values(rows as never)).compile();
    const prepared = insert.compile(db, rows);
    assert.equal(prepared.sql, built.sql);
    assert.deepEqual(prepared.parameters, built.parameters);
  });

  it('runs inside and outside transactions, one template per row count, more rows built as usual', async () => {
    const db = await table();
    await insert.execute(db, [{ id: 1, s: 'one', n: 1 }]);
    await db.transaction().execute(async (trx) => {
      await insert.execute(trx, [
        { id: 2, s: 'two', n: null },
        { id: 3, s: 'three', n: 3 },
      ]);
      // Four rows: over the three templated, built through Kysely with its values.
      await insert.execute(
        trx,
        [4, 5, 6, 7].map((id) => ({ id, s: `#${id}`, n: id })),
      );
    });
    assert.deepEqual(
      (await above.execute(db, [{ min: 1, limit: 3 }])).map((r) => (r as { s: string }).s),
      ['two', 'three', '#4'],
    );
    assert.equal(((await byId.first(db, { id: 3 })) as { s: string } | undefined)?.s, 'three');
    assert.equal(await byId.first(db, { id: 2 }), undefined, 'n is null: the constant condition holds');
  });

  it('refuses a missing value and a builder that transforms its values', async () => {
    const db = await table();
    assert.throws(() => insert.compile(db, [{ id: 1, s: undefined as never, n: 1 }]), /no value for s/);
    const transforming = new Prepared((d, [p]: readonly { s: string }[]) =>
      d
        .selectFrom(t)
        .selectAll()
        .where('s' as never, '=', p!.s.toUpperCase() as never),
    );
    assert.throws(() => transforming.compile(db, [{ s: 'x' }]), /transformed/);
  });
});
