import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';

/**
 * Storage dialects for tests that run whole nodes (`parley serve`, the CLI):
 * the convention of store/_util.ts. PARLEY_TEST_DB=sqlite|postgres narrows the
 * dialects; PARLEY_TEST_PG_URL names the PostgreSQL database. Without
 * PostgreSQL its suites are skipped with the reason, except under CI=true,
 * where they fail.
 */
export type NodeDialect = 'sqlite' | 'postgres';

export const pgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const only = process.env.PARLEY_TEST_DB;
export const nodeDialects: NodeDialect[] = (['sqlite', 'postgres'] as const).filter((d) => !only || d === only);
/** Why PostgreSQL cannot be used, or undefined when it can (probed once, only when a suite may need it). */
export const pgProblem = nodeDialects.includes('postgres') ? await probePostgres(pgUrl) : undefined;

/** Fresh databases for the nodes of one suite, dropped by drop(). */
export class NodeDatabases {
  readonly dialect: NodeDialect;
  readonly #schemas: string[] = [];

  constructor(dialect: NodeDialect) {
    this.dialect = dialect;
  }

  /**
   * The environment that gives a node its own fresh database: nothing for
   * SQLite (the file in its data directory), a new schema for PostgreSQL.
   */
  envFor(_party?: string): NodeJS.ProcessEnv {
    if (this.dialect === 'sqlite') return { PARLEY_DATABASE_URL: '', PARLEY_DATABASE_SCHEMA: '' };
    return { PARLEY_DATABASE_URL: pgUrl, PARLEY_DATABASE_SCHEMA: this.freshSchema() };
  }

  /** A new schema name in the PostgreSQL test database, dropped by drop(). */
  freshSchema(): string {
    const schema = `parley_node_${randomBytes(6).toString('hex')}`;
    this.#schemas.push(schema);
    return schema;
  }

  async drop(): Promise<void> {
    if (this.#schemas.length === 0) return;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      for (const schema of this.#schemas.splice(0)) await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Declares one suite per node storage dialect (`name [sqlite]`, `name
 * [postgres]`) under one suite `name`. The dialects' suites run side by side
 * (their nodes share nothing: other directories, ports and databases); the
 * tests inside each run in order. The schemas a suite used are dropped after it.
 */
export function forEachNodeDialect(name: string, body: (databases: NodeDatabases) => void): void {
  describe(name, { concurrency: true }, () => {
    for (const dialect of nodeDialects) {
      const title = `${name} [${dialect}]`;
      if (dialect === 'postgres' && !requirePostgres(title)) continue;
      describe(title, { concurrency: 1 }, () => {
        const databases = new NodeDatabases(dialect);
        after(() => databases.drop());
        body(databases);
      });
    }
  });
}

/**
 * True when PostgreSQL is usable. Otherwise declares `title` as skipped with
 * the reason, or, under CI=true, as a failing test; and returns false.
 */
export function requirePostgres(title: string): boolean {
  if (pgProblem === undefined && nodeDialects.includes('postgres')) return true;
  const reason =
    pgProblem === undefined
      ? `PARLEY_TEST_DB=${only} excludes PostgreSQL`
      : `PostgreSQL unreachable at ${pgUrl}: ${pgProblem}`;
  if (process.env.CI === 'true' && pgProblem !== undefined) {
    describe(title, () => {
      it('needs PostgreSQL (CI=true)', () => {
        throw new Error(reason);
      });
    });
  } else {
    console.log(`skipping "${title}": ${reason}`);
    describe(title, { skip: reason }, () => {});
  }
  return false;
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
