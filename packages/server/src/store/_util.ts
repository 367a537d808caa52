import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { StoreDialect } from './capabilities.js';
import type { Database } from './database.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { openStore, type StoreConfig } from './open-store.js';
import type { Store } from './store.js';

export type DialectName = 'sqlite' | 'postgres';

/** One storage dialect under test: fresh databases on demand, all removed after the suite. */
export interface DialectTarget {
  readonly name: DialectName;
  /** The config of a new, empty database: a temp file, or a new schema in the test database. */
  freshConfig(): StoreConfig;
  /** Opens and migrates a store (on a fresh database unless `config` names one); closed after the suite. */
  open(config?: StoreConfig): Promise<Store>;
  /** Kysely on the same database, for looking at tables the port does not expose. */
  raw(config: StoreConfig): Kysely<Database>;
  /** The dialect itself on the same database (closed after the suite), for what sits below the port. */
  dialect(config: StoreConfig): StoreDialect;
}

export const pgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const only = process.env.PARLEY_TEST_DB;
const dialects = (['sqlite', 'postgres'] as const).filter((d) => !only || d === only);
const pgProblem = dialects.includes('postgres') ? await probePostgres(pgUrl) : undefined;

/**
 * Runs one test body against every storage dialect (narrowed by
 * PARLEY_TEST_DB=sqlite|postgres). Without PostgreSQL the postgres suite is
 * skipped with the reason, except under CI=true, where it fails.
 */
export function forEachDialect(name: string, body: (target: DialectTarget) => void): void {
  for (const dialect of dialects) {
    const title = `${name} [${dialect}]`;
    if (dialect === 'postgres' && pgProblem !== undefined) {
      const reason = `PostgreSQL unreachable at ${pgUrl}: ${pgProblem}`;
      if (process.env.CI === 'true') {
        describe(title, () => {
          it('needs PostgreSQL (CI=true)', () => {
            throw new Error(reason);
          });
        });
      } else {
        describe(title, { skip: reason }, () => {});
      }
      continue;
    }
    describe(title, () => {
      const target = new Target(dialect);
      after(() => target.cleanup());
      body(target);
    });
  }
}

class Target implements DialectTarget {
  readonly name: DialectName;
  readonly #stores: Store[] = [];
  readonly #raws: Kysely<Database>[] = [];
  readonly #dirs: string[] = [];
  readonly #schemas: string[] = [];

  constructor(name: DialectName) {
    this.name = name;
  }

  freshConfig(): StoreConfig {
    if (this.name === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
      this.#dirs.push(dir);
      return { sqlitePath: join(dir, 'parley.db') };
    }
    const schema = `parley_test_${randomBytes(6).toString('hex')}`;
    this.#schemas.push(schema);
    return { url: pgUrl, schema };
  }

  async open(config: StoreConfig = this.freshConfig()): Promise<Store> {
    const store = await openStore(config);
    this.#stores.push(store);
    await store.migrate();
    return store;
  }

  raw(config: StoreConfig): Kysely<Database> {
    return this.dialect(config).db;
  }

  dialect(config: StoreConfig): StoreDialect {
    const dialect: StoreDialect = 'url' in config ? openPostgres(config) : openSqlite(config);
    this.#raws.push(dialect.db);
    return dialect;
  }

  async cleanup(): Promise<void> {
    for (const store of this.#stores) await store.close().catch(() => {});
    for (const db of this.#raws) await db.destroy().catch(() => {});
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
    if (this.#schemas.length === 0) return;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      for (const schema of this.#schemas) await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  }
}

async function probePostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || String((error as { code?: string }).code) : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}
