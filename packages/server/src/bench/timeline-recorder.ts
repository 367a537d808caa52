/**
 * Records when each step of a node's work starts and ends, for
 * `bench/flash-timeline.ts`: loaded into a process with `--import`, or
 * imported, it notes (microseconds on the machine's clock, comparable across
 * processes) every Ed25519 signature and verification, every SQLite `begin`
 * and `commit`, every message sent to PostgreSQL and its answer, and the
 * starts and ends of HTTP requests as Node's own diagnostics channels report
 * them. The marks are written as JSON to
 * `$PARLEY_TIMELINE_DIR/<pid>.json` when the process exits.
 *
 * A benchmark tool, never loaded by a node otherwise: it wraps `crypto.sign`,
 * `crypto.verify` and better-sqlite3's `prepare` to see them, which costs a
 * few microseconds a call. Main threads only: what a worker does (the
 * signature pool verifying a large batch) is not marked; a lone FLASH entry
 * is verified on the main thread.
 */
import crypto from 'node:crypto';
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** One mark: [microseconds since the epoch, name]. */
export type Mark = [number, string];

const marks: Mark[] = [];
const clock = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Notes `name` now. */
export function mark(name: string): void {
  marks.push([clock(), name]);
}

/** The marks so far (for tests). */
export function recorded(): readonly Mark[] {
  return marks;
}

/** `fn`, marking `name<` before each call and `name>` after it. */
function timed<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    mark(`${name}<`);
    try {
      return fn(...args);
    } finally {
      mark(`${name}>`);
    }
  };
}

let installed = false;

/** Starts recording in this process (once); the marks go to `dir` at exit when given, else stay in memory. */
export function install(dir: string | undefined): void {
  if (installed) return;
  installed = true;
  for (const [channel, name] of [
    ['http.client.request.start', 'http-client-sent'],
    ['http.client.response.finish', 'http-client-answered'],
    ['http.server.request.start', 'http-server-received'],
    ['http.server.response.finish', 'http-server-answered'],
  ] as const) {
    dc.subscribe(channel, () => mark(name));
  }
  crypto.sign = timed('sign', crypto.sign) as typeof crypto.sign;
  crypto.verify = timed('verify', crypto.verify) as typeof crypto.verify;
  // ESM imports of node:crypto (`import { sign } from 'node:crypto'`) see the wrappers from now on.
  syncBuiltinESMExports();
  const Database = createRequire(import.meta.url)('better-sqlite3') as {
    prototype: { prepare(sql: string): { run(...args: unknown[]): unknown } };
  };
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, sql: string) {
    const statement = prepare.call(this, sql);
    const step = /^\s*(begin|commit)\b/i.exec(sql)?.[1]?.toLowerCase();
    if (step) statement.run = timed(step, statement.run.bind(statement));
    return statement;
  };
  markPostgres();
  if (dir) process.on('exit', () => writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(marks)));
}

/**
 * Every message sent to PostgreSQL (`pg<` and the statement's first words)
 * and its answer (`pg>`), where pg is installed: wrapped where the node's
 * client (store/dialects/deferred-writes.ts) sends, so this must run before
 * that module loads — held statements are not messages and are not marked.
 */
function markPostgres(): void {
  let pg: { Client: { prototype: { query(...args: unknown[]): unknown } } };
  try {
    pg = createRequire(import.meta.url)('pg');
  } catch {
    return;
  }
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown } | null)?.text ?? '');
    mark(`pg<${statementLabel(text)}`);
    // A query object pg queues as it is (the store's pipelines, deferred-writes.ts) is answered through its callback.
    const submittable = args[0] as { submit?: unknown; callback?: (...result: unknown[]) => unknown } | null;
    if (typeof submittable?.submit === 'function' && typeof submittable.callback === 'function') {
      const answered = submittable.callback;
      submittable.callback = (...result: unknown[]) => {
        mark('pg>');
        return answered(...result);
      };
    }
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (...result: unknown[]) => {
        mark('pg>');
        return callback(...result);
      };
    }
    const sent = query.apply(this, args) as { then?: (ok: () => void, failed: () => void) => void } | undefined;
    if (typeof callback !== 'function' && typeof sent?.then === 'function') {
      sent.then(
        () => mark('pg>'),
        () => mark('pg>'),
      );
    }
    return sent;
  };
}

/** `begin;select`, `insert`, `commit`…: a message's first words, enough to tell the steps of a round apart. */
export function statementLabel(text: string): string {
  const words = text.trim().toLowerCase().split(/\s+/, 2);
  return words[0]?.endsWith(';') ? `${words[0]}${(words[1] ?? '').replace(/\W.*$/, '')}` : (words[0] ?? '');
}

// Main threads only: a worker (the signature pool) shares the process id, and its file would replace the node's.
if (process.env.PARLEY_TIMELINE_DIR && isMainThread) install(process.env.PARLEY_TIMELINE_DIR);
