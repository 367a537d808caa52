import { type DatabaseIntrospector, Kysely, PostgresDialect, type PostgresDialectConfig, sql } from 'kysely';
import pg from 'pg';
import type { Capabilities, StoreDialect } from '../capabilities.js';
import type { Database } from '../database.js';
import { AT_COMMIT_MARK, DeferringClient } from './deferred-writes.js';
import { OwnSchemaIntrospector } from './own-schema-introspector.js';

export interface PostgresConfig {
  /** Connection URL, e.g. PARLEY_DATABASE_URL. */
  url: string;
  /** Schema holding every table (created by migrate); default `public`. Lets tests and parties share one database. */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** Every transaction read-only: writes reject with PARLEY_E_IO (as on a hot standby). */
  readonly?: boolean;
  /**
   * Repeated statements are prepared on the server (deferred-writes.ts).
   * Default true; false for a pooler that does not keep a session's
   * prepared statements (PgBouncer in transaction mode).
   */
  prepare?: boolean;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a connection pool; with a schema, every connection's search_path is that schema alone. */
export function openPostgres(config: PostgresConfig): StoreDialect {
  const schema = config.schema ?? 'public';
  if (!schemaName.test(schema)) throw new RangeError(`schema "${schema}" is not a plain lowercase SQL identifier`);
  const settings = [
    config.schema ? `-c search_path=${schema}` : '',
    config.readonly ? '-c default_transaction_read_only=on' : '',
  ].filter(Boolean);
  const poolConfig: pg.PoolConfig & { parleyPrepare: boolean } = {
    Client: DeferringClient,
    parleyPrepare: config.prepare ?? true,
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    application_name: 'parley',
    ...(settings.length ? { options: settings.join(' ') } : {}),
  };
  // The pool hands its config to each client it makes (DeferringClient reads parleyPrepare).
  const pool = new pg.Pool(poolConfig);
  // An idle connection that dies is dropped by the pool; the next query reports the failure.
  pool.on('error', () => {});
  const caps: Capabilities = {
    lockFeedRow: 'for-update',
    bytesType: 'bytea',
    autoId: 'identity',
    migrationSchema: schema,
  };
  const db = new Kysely<Database>({ dialect: new OwnSchemaDialect({ pool }, schema) });
  return {
    db,
    caps,
    location: redact(config.url, config.schema),
    ioReason: postgresIoReason,
    durabilityWarnings: () => postgresDurabilityWarnings(db),
    // SET LOCAL: for this transaction only; read when it commits, so held and sent with the commit (deferred-writes.ts).
    unflushedTransaction: (fn) =>
      db.transaction().execute(async (trx) => {
        await sql.raw(`set local synchronous_commit = off ${AT_COMMIT_MARK}`).execute(trx);
        return fn(trx);
      }),
  };
}

/** Kysely's PostgreSQL dialect whose introspection (the migrator's) reads the node's own schema alone. */
class OwnSchemaDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db, this.#schema);
  }
}

/**
 * The server settings that make an acknowledged commit losable, as this
 * connection sees them (synchronous_commit may be set per role or database).
 */
async function postgresDurabilityWarnings(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string; setting: string }>`
    select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes')
  `.execute(db);
  const setting = new Map(rows.map((r) => [r.name, r.setting]));
  const warnings: string[] = [];
  if (setting.get('fsync') === 'off') {
    warnings.push(
      'PostgreSQL runs with fsync = off: a power cut or a crash of the server can lose or corrupt acknowledged entries',
    );
  }
  if (setting.get('synchronous_commit') === 'off') {
    warnings.push(
      "PostgreSQL's synchronous_commit is off for this connection: a power cut or a crash of the server can lose this node's own acknowledged entries, which it may then sign again differently (a fork)",
    );
  }
  if (setting.get('full_page_writes') === 'off') {
    warnings.push(
      'PostgreSQL runs with full_page_writes = off: a power cut can leave torn pages that corrupt the database',
    );
  }
  return warnings;
}

function redact(url: string, schema: string | undefined): string {
  let where = url;
  try {
    const parsed = new URL(url);
    parsed.password = '';
    where = parsed.toString();
  } catch {
    where = 'postgres';
  }
  return schema ? `${where} (schema ${schema})` : where;
}

/**
 * SQLSTATE classes of a database that cannot take writes: 53 insufficient
 * resources (disk full), 58 system errors (I/O), 25006 read-only transaction
 * (a hot standby), 57P03 cannot connect now; and the socket failing outright.
 */
export function postgresIoReason(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === '25006') return `read-only (${code})`;
  if (code.startsWith('53')) return `disk full or out of resources (${code})`;
  if (code.startsWith('58')) return `I/O error (${code})`;
  if (code === '57P03' || /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|TIMEDOUT|PIPE)$/.test(code)) {
    return `database unavailable (${code})`;
  }
  return undefined;
}
