import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ParleyError } from '@parley/contract';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Capabilities, StoreDialect } from '../capabilities.js';
import type { Database } from '../database.js';
import { ImmediateSqliteDialect } from './sqlite-immediate.js';

export interface SqliteConfig {
  /** The database file; created (with its folder's -wal and -shm companions) when missing. */
  sqlitePath: string;
  /** Opens the file read-only: every write rejects with PARLEY_E_IO. */
  readonly?: boolean;
  /** Caps the file's size: writes beyond it fail as on a full disk (PARLEY_E_IO). */
  maxBytes?: number;
  /** How long a writer waits for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
}

const caps: Capabilities = {
  lockFeedRow: 'begin-immediate',
  bytesType: 'blob',
  autoId: 'autoincrement',
  migrationSchema: undefined,
};

/** Opens the file with the pragmas DESIGN.md asks for: WAL, synchronous=FULL, foreign keys, a busy timeout. */
export function openSqlite(config: SqliteConfig): StoreDialect {
  const busyMs = Math.max(0, Math.trunc(config.busyTimeoutMs ?? 5000));
  // better-sqlite3 says so with a bare TypeError; say it with the catalogue's code.
  if (!existsSync(dirname(config.sqlitePath))) {
    throw new ParleyError('PARLEY_E_IO', { op: 'open', path: config.sqlitePath, reason: 'its folder does not exist' });
  }
  const file = new SqliteDatabase(config.sqlitePath, {
    readonly: config.readonly ?? false,
    fileMustExist: config.readonly ?? false,
  });
  try {
    file.pragma(`busy_timeout = ${busyMs}`);
    if (!config.readonly) whenNotBusy(busyMs, () => file.pragma('journal_mode = WAL'));
    file.pragma('synchronous = FULL');
    file.pragma('foreign_keys = ON');
    if (config.maxBytes !== undefined) {
      const pageSize = file.pragma('page_size', { simple: true }) as number;
      file.pragma(`max_page_count = ${Math.max(1, Math.floor(config.maxBytes / pageSize))}`);
    }
  } catch (error) {
    file.close();
    throw error;
  }
  cachePreparedStatements(file);
  const dialect = new ImmediateSqliteDialect(file, busyMs);
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    caps,
    location: config.sqlitePath,
    ioReason: sqliteIoReason,
    unflushedTransaction: (fn) => dialect.unflushedTransaction(db, fn),
    // The file's settings are the store's own (WAL, synchronous=FULL, set above).
    durabilityWarnings: async () => [],
  };
}

/**
 * Runs `fn`, again while it fails with SQLITE_BUSY, for up to `busyMs`.
 * Switching a new file to WAL takes an exclusive lock, and SQLite answers a
 * second process doing the same at that moment with SQLITE_BUSY at once,
 * without its busy handler: two nodes opened together on one fresh file made
 * one of them fail to open. Synchronous, as opening is: it sleeps between
 * tries without spinning.
 */
function whenNotBusy<T>(busyMs: number, fn: () => T): T {
  const deadline = Date.now() + busyMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      return fn();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
    }
    Atomics.wait(sleeper, 0, 0, wait);
  }
}

/**
 * Kysely prepares every query anew; preparing costs more than running the
 * small statements of an append. The same SQL text reuses its statement
 * (Kysely never iterates a statement, so reuse is safe).
 */
function cachePreparedStatements(file: SqliteDatabase.Database): void {
  const prepare = file.prepare.bind(file);
  const cache = new Map<string, SqliteDatabase.Statement>();
  file.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      // Least recently used goes first: multi-row inserts of every batch size
      // make many texts, and clearing them all re-prepared the hot ones too.
      cache.delete(sql);
    } else {
      if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
      statement = prepare(sql);
    }
    cache.set(sql, statement);
    return statement;
  }) as typeof file.prepare;
}

const reasons: Array<[RegExp, string]> = [
  [/^(SQLITE_READONLY|EROFS|EACCES|EPERM)/, 'read-only'],
  [/^(SQLITE_FULL|ENOSPC|EDQUOT)/, 'disk full'],
  [/^(SQLITE_IOERR|EIO)/, 'I/O error'],
  [/^SQLITE_CANTOPEN/, 'cannot open the file'],
  [/^(SQLITE_CORRUPT|SQLITE_NOTADB)/, 'not a valid database file'],
];

/** SQLite's and the OS's codes for storage that cannot be written; other errors (constraints, bugs) are not I/O. */
export function sqliteIoReason(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const match = reasons.find(([pattern]) => pattern.test(code));
  return match && `${match[1]} (${code})`;
}
