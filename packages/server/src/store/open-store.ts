import type { PostgresConfig } from './dialects/postgres.js';
import type { SqliteConfig } from './dialects/sqlite.js';
import { KyselyStore, storageError } from './kysely-store.js';
import type { Store } from './store.js';

export type { PostgresConfig } from './dialects/postgres.js';
export type { SqliteConfig } from './dialects/sqlite.js';

/** Where a node's data lives: one SQLite file, or a PostgreSQL database (optionally one schema of it). */
export type StoreConfig = SqliteConfig | PostgresConfig;

/**
 * Opens a store; call `migrate()` before first use. Opening PostgreSQL
 * connects lazily, so an unreachable server shows at the first query.
 *
 * @example
 * const store = await openStore(process.env.PARLEY_DATABASE_URL
 *   ? { url: process.env.PARLEY_DATABASE_URL }
 *   : { sqlitePath: join(dir, 'parley.db') });
 * await store.migrate();
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  // Each dialect's driver is loaded only when used: a SQLite node never loads pg, and the reverse.
  if ('url' in config) {
    const { openPostgres } = await import('./dialects/postgres.js');
    return new KyselyStore(openPostgres(config));
  }
  const { openSqlite, sqliteIoReason } = await import('./dialects/sqlite.js');
  try {
    return new KyselyStore(openSqlite(config));
  } catch (error) {
    throw storageError({ location: config.sqlitePath, ioReason: sqliteIoReason }, 'open', error);
  }
}
