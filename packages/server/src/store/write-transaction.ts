import type { Kysely } from 'kysely';
import type { StoreDialect } from './capabilities.js';
import type { Database } from './database.js';

/**
 * Runs `fn` in one write transaction: committed when it resolves, rolled back
 * when it throws. SQLite's transactions take the database's write lock when
 * they begin (BEGIN IMMEDIATE), which serialises every writer, also in other
 * processes; PostgreSQL's run at READ COMMITTED, where a row locked FOR UPDATE
 * is re-read at its newest committed version once the lock is granted.
 */
export function writeTransaction<T>(
  dialect: Pick<StoreDialect, 'db'>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return dialect.db.transaction().execute(fn);
}
