import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import type { Database } from '../database.js';

type SqliteFile = BetterSqlite3.Database;

/**
 * SQLite the way a node writes it: every transaction (the store's and the
 * migrator's) starts with BEGIN IMMEDIATE, taking the database's single write
 * lock before its first read. Writers are thus serialised, also across
 * processes, and none can fail later upgrading a stale read snapshot.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #file: SqliteFile;
  readonly #busyMs: number;
  readonly #flush: FlushLevel;

  constructor(file: SqliteFile, busyMs: number) {
    super({ database: file });
    this.#file = file;
    this.#busyMs = busyMs;
    this.#flush = new FlushLevel(file);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#file, this.#busyMs, this.#flush);
  }

  /**
   * Runs `fn` in a transaction whose commit skips the fsync (synchronous =
   * NORMAL: in WAL mode the commit is written to the log and survives the
   * process, not a power cut). SQLite refuses to change the setting inside a
   * transaction, so it is changed around one, on the only connection, held
   * throughout: no other transaction or statement can run under it. Every
   * transaction's begin also sets the level it asks for, so NORMAL cannot
   * outlive this one even if putting FULL back failed.
   */
  async unflushedTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return db.connection().execute(async (connection) => {
      this.#flush.wanted = 'NORMAL';
      let result: T;
      try {
        result = await connection.transaction().execute(fn);
      } catch (error) {
        this.#flush.wanted = 'FULL';
        try {
          this.#flush.apply();
        } catch {
          // The transaction's own failure says more; the next begin tries again.
        }
        throw error;
      }
      this.#flush.wanted = 'FULL';
      this.#flush.apply();
      return result;
    });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlAdapter();
  }
}

/** SQLite runs DDL inside transactions too: tell the migrator, so a failed migration leaves nothing behind. */
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * The connection's `synchronous` setting: FULL except while an unflushed
 * transaction holds the connection. Changed only outside a transaction (where
 * SQLite allows it); inside one, left for the next begin.
 */
class FlushLevel {
  wanted: 'FULL' | 'NORMAL' = 'FULL';
  #current: 'FULL' | 'NORMAL' = 'FULL';
  readonly #file: SqliteFile;

  constructor(file: SqliteFile) {
    this.#file = file;
  }

  apply(): void {
    if (this.wanted === this.#current || this.#file.inTransaction) return;
    this.#file.pragma(`synchronous = ${this.wanted}`);
    this.#current = this.wanted;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #file: SqliteFile;
  readonly #busyMs: number;
  readonly #flush: FlushLevel;

  constructor(file: SqliteFile, busyMs: number, flush: FlushLevel) {
    super({ database: file });
    this.#file = file;
    this.#busyMs = busyMs;
    this.#flush = flush;
  }

  /** SQLite may already have rolled back by itself (a full disk, an I/O error): then there is nothing to undo. */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#file.inTransaction) await super.rollbackTransaction(connection);
  }

  /**
   * Waits for another connection's write lock without blocking the event
   * loop: SQLite's own busy handler sleeps synchronously, which would also
   * stall the connection of this very process that holds the lock. So the
   * handler is off while we poll, with a capped, jittered backoff.
   */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.#flush.apply();
    const deadline = Date.now() + this.#busyMs;
    // The pragmas go to the file directly: through Kysely each cost more than the statement.
    this.#file.pragma('busy_timeout = 0');
    try {
      for (let wait = 1; ; wait = Math.min(wait * 2, 32)) {
        try {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
          return;
        } catch (error) {
          if (!isBusy(error) || Date.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
      }
    } finally {
      this.#file.pragma(`busy_timeout = ${this.#busyMs}`);
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
