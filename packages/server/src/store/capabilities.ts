import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * What one SQL dialect can do, as flags the shared code path reads. Queries
 * never ask which database they run on, only what it can do.
 */
export interface Capabilities {
  /**
   * How the writers of one feed are serialised, also across processes.
   * `for-update`: a row lock on the feed row inside an ordinary transaction
   * (PostgreSQL). `begin-immediate`: every write transaction starts with
   * BEGIN IMMEDIATE, taking the database's single write lock up front
   * (SQLite), so no writer ever upgrades a read lock and deadlocks.
   */
  lockFeedRow: 'for-update' | 'begin-immediate';
  /** Column type of raw bytes. */
  bytesType: 'blob' | 'bytea';
  /** How an integer key is generated. */
  autoId: 'autoincrement' | 'identity';
  /** Schema of Kysely's migration bookkeeping tables, where the dialect has schemas. */
  migrationSchema: string | undefined;
}

/** One opened database: the Kysely instance, its capabilities and how to describe its failures. */
export interface StoreDialect {
  readonly db: Kysely<Database>;
  readonly caps: Capabilities;
  /** Where the data lives, for error messages: a file path or a URL without credentials. */
  readonly location: string;
  /** Why the storage cannot be written (read-only, full, I/O failure), or undefined for any other error. */
  ioReason(error: unknown): string | undefined;
  /**
   * Runs `fn` in a write transaction, as `db.transaction().execute(fn)` does,
   * whose commit returns without waiting for the disk; every other
   * transaction keeps the full flush. Only for rows held durably elsewhere
   * (other members' entries) — see writeTransaction's Durability and
   * docs/decisions/0024-peer-entries-commit-unflushed.md.
   */
  unflushedTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * What in the database's own configuration undoes the durability the
   * store relies on, in words for an operator; empty when nothing does.
   */
  durabilityWarnings(): Promise<string[]>;
}
