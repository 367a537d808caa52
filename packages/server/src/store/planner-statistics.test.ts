import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachDialect } from './_util.js';
import { refreshPlannerStatistics } from './planner-statistics.js';

// PostgreSQL only: SQLite has no schema and its planner needs no statistics for these reads.
forEachDialect('planner statistics', (t) => {
  if (t.name !== 'postgres') return;

  it('analyzes a table that changed by more than a tenth since it was last analyzed, once', async () => {
    const config = t.freshConfig();
    await t.open(config);
    const schema = (config as { schema: string }).schema;
    const db = t.raw(config);
    await sql`insert into ${sql.table(`${schema}.alarms`)} (kind, message, details, raised_at)
      select 'test', 'm' || g, '{}', '2026-01-01T00:00:00.000Z' from generate_series(1, 3000) g`.execute(db);
    // pg_stat counters reach the view asynchronously: wait until the inserts are counted.
    for (let i = 0; i < 50; i++) {
      await sql`select pg_stat_clear_snapshot()`.execute(db);
      const { rows } = await sql<{ n: string }>`select n_mod_since_analyze as n from pg_stat_user_tables
        where schemaname = ${schema} and relname = 'alarms'`.execute(db);
      if (Number(rows[0]?.n ?? 0) >= 3000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok((await refreshPlannerStatistics(db, schema)).includes('alarms'));
    assert.deepEqual(await refreshPlannerStatistics(db, schema), []);
  });

  it('never fails: a schema that does not exist analyzes nothing', async () => {
    const config = t.freshConfig();
    await t.open(config);
    assert.deepEqual(await refreshPlannerStatistics(t.raw(config), 'no_such_schema_here'), []);
  });
});
