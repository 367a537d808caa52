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
  dialect: Pick<StoreDialect, 'db' | 'unflushedTransaction'>,
  fn: (trx: Kysely<Database>) => Promise<T>,
  durability: Durability = 'flushed',
): Promise<T> {
  return durability === 'flushed' ? dialect.db.transaction().execute(fn) : dialect.unflushedTransaction(fn);
}

/**
 * How a write transaction's commit meets the disk. `flushed` (every write but
 * one kind): the commit returns once it is on disk (SQLite synchronous=FULL,
 * PostgreSQL the server's synchronous_commit, on). `unflushed`: the commit
 * survives the node's process dying but may be lost, whole and last, with the
 * machine's power (or the PostgreSQL server crashing) — never torn, never
 * before an earlier one, and made durable by the next flushed commit, which
 * flushes everything before it (both databases write one sequential log).
 * Only for entries that came from a peer, already signed, and what they
 * project: their authors hold them durably and the link pulls a lost tail
 * again; anything this node signs (a receipt naming them) is a flushed commit
 * after them. docs/decisions/0024-peer-entries-commit-unflushed.md.
 */
export type Durability = 'flushed' | 'unflushed';
