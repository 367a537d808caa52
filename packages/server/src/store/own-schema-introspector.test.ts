import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';
import { forEachDialect, pgUrl } from './_util.js';
import { OwnSchemaIntrospector } from './dialects/own-schema-introspector.js';

// PostgreSQL only: SQLite has one schema, and nobody else's in the same file.
forEachDialect('the migrator looks at its own schema only', (t) => {
  if (t.name !== 'postgres') return;

  it("lists its own schema's tables and columns, the migrator's own only when asked", async () => {
    const config = t.freshConfig();
    await t.open(config);
    const schema = (config as { schema: string }).schema;
    const introspector = new OwnSchemaIntrospector(t.raw(config) as never, schema);
    const tables = await introspector.getTables();
    const names = tables.map((x) => x.name);
    assert.ok(names.includes('entries') && names.includes('feeds'), names.join(', '));
    assert.ok(!names.includes('kysely_migration'), "Kysely's tables left out unless asked for");
    assert.ok(tables.every((x) => x.schema === schema));
    const all = (await introspector.getTables({ withInternalKyselyTables: true })).map((x) => x.name);
    assert.ok(all.includes('kysely_migration') && all.includes('kysely_migration_lock'));
    const entries = tables.find((x) => x.name === 'entries')!;
    const seq = entries.columns.find((c) => c.name === 'seq')!;
    assert.equal(seq.isNullable, false);
    assert.ok(entries.columns.some((c) => c.name === 'header'));
    const alarms = tables.find((x) => x.name === 'alarms')!;
    assert.equal(alarms.columns.find((c) => c.name === 'id')?.isAutoIncrementing, true, 'an identity column');
    // Another schema's tables are not its business.
    const other = t.freshConfig();
    await t.open(other);
    assert.deepEqual(
      (await introspector.getTables()).map((x) => x.name),
      names,
      'the same tables with a second schema in the database',
    );
  });

  it('migrates while other sessions create and drop schemas of their own', async () => {
    // Kysely's own introspector looked every schema of the database up by name: one dropped
    // meanwhile failed the migration ("schema … does not exist"), as it did when two test
    // files ran side by side (decision 0034). Here a second connection creates and drops
    // schemas, each with a table, as fast as it can while fresh stores migrate.
    const churn = new pg.Client({ connectionString: pgUrl });
    await churn.connect();
    let stop = false;
    const churning = (async () => {
      while (!stop) {
        const name = `parley_churn_${randomBytes(6).toString('hex')}`;
        await churn.query(`create schema ${name}; create table ${name}.t (id serial primary key, v text)`);
        await churn.query(`drop schema ${name} cascade`);
      }
    })();
    try {
      for (let i = 0; i < 25; i++) await t.open(t.freshConfig());
    } finally {
      stop = true;
      await churning.catch(() => undefined);
      await churn.end();
    }
  });
});
