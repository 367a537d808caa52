import { type RawBuilder, sql } from 'kysely';
import pg from 'pg';

/**
 * Deferred writes: on PostgreSQL every statement is a network round trip, and
 * an append is a dozen of them (entries, Merkle nodes, the feed's head, the
 * projections) that read nothing back. Marked with `deferred(…)`, such a
 * statement is held by the connection while a transaction is open and sent,
 * with the others held, in one message just before the transaction's next
 * statement that reads (or its commit). PostgreSQL runs them in the same
 * order, in the same transaction, so what commits is the same; an error in
 * one of them fails that next statement (or the commit) instead, and the
 * transaction is rolled back as it would have been. A deferred statement
 * answers at once, with no row count: only writes whose caller reads nothing
 * of their answer may be marked. On SQLite (and outside a transaction) the
 * mark is an SQL comment and the statement runs at once, as does a large
 * marked statement (see HELD_MAX_VALUES).
 * A transaction's `begin` is held the same way, and the reading statement
 * that sends what is held goes in the same message, its values written in
 * as pg would have sent them (readLiteral): a transaction that locks a
 * feed, writes and commits costs three round trips, not five. A transaction
 * that sent nothing is not rolled back on the server (it never began there).
 * See docs/decisions/0020-fewer-round-trips.md and 0029.
 */
export const DEFER_MARK = '/* parley:deferred */';

/**
 * Marks a setting that matters only when the transaction commits (`SET LOCAL
 * synchronous_commit`): held, without values, and sent in the commit's own
 * message, after the writes held until then — no round trip of its own. A
 * rollback drops it. On SQLite it is never used.
 */
export const AT_COMMIT_MARK = '/* parley:at-commit */';

const mark: RawBuilder<unknown> = sql.raw(DEFER_MARK);

/** Marks a write (insert, update, delete) whose answer nobody reads as deferrable. */
export function deferred<Q extends { modifyEnd(modifier: RawBuilder<unknown>): Q }>(query: Q): Q {
  return query.modifyEnd(mark);
}

/** One value written into SQL text as a literal of the same meaning as the parameter pg would have sent. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} into SQL`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    // A query's text ends at its first NUL: refuse here what PostgreSQL refuses as a parameter.
    if (value.includes('\u0000')) throw new RangeError('PostgreSQL text cannot hold U+0000');
    return pg.escapeLiteral(value);
  }
  if (value instanceof Uint8Array)
    return `E'\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'::bytea`;
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) throw new TypeError('arrays are not written into deferred statements');
  return pg.escapeLiteral(JSON.stringify(value));
}

/**
 * One value of a statement that reads, written as pg would have sent it as a
 * parameter: as text of no declared type (a quoted literal), which the
 * server types from where it stands — a number compared with a text column
 * stays text, as a parameter would. Bytes are typed, as pg sends them.
 */
function readLiteral(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} into SQL`);
    return `'${value}'`;
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return `'${value}'`;
  return literal(value);
}

/**
 * The statement with each `$n` outside quotes replaced by its value as a
 * literal. Kysely's SQL quotes identifiers with " and passes every value as a
 * parameter; quoted text is copied as it stands.
 */
export function inline(text: string, values: readonly unknown[], write = literal): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c === '$' && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const n = Number(text.slice(i + 1, j));
      if (n < 1 || n > values.length) throw new RangeError(`parameter $${n} of ${values.length}`);
      out += write(values[n - 1]);
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * pg's Client, except that
 * - `query(text, values)` without a callback (the one form Kysely calls) runs
 *   through pg's callback form and returns a promise of the same result, or of
 *   the same error. Through pg's own promise form the rows of a result stay
 *   reachable longer after they were handed over: reading 50,000 entries in
 *   pages of 2000 promoted ~70 MB of rows to the old space (~10 MB through the
 *   callback form, as with better-sqlite3), where they sat until V8's next
 *   full collection and kept a restarted node's RSS high. Measured with
 *   bench/idle-memory.ts.
 * - inside a transaction, statements marked `deferred` are held and sent
 *   together before the next other statement (see above).
 */
export class DeferringClient extends pg.Client {
  /** `parleyPrepare: false` (in the pool's or client's config) sends every statement unnamed. */
  constructor(config?: string | (pg.ClientConfig & { parleyPrepare?: boolean })) {
    super(config);
    if (typeof config === 'object' && config.parleyPrepare === false) unprepared.add(this);
  }

  /** How many statements are held, not yet sent (for tests). */
  get held(): number {
    return stateOf(this).held.length;
  }

  /** How many settings are held for the commit (for tests). */
  get heldForCommit(): number {
    return stateOf(this).atCommit.length;
  }
}

const clientQuery = pg.Client.prototype.query as Query;

function run(client: pg.Client, text: string, values: unknown[] | undefined): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const name = values?.length ? nameOf(client, text) : undefined;
    const done = (error: Error | null, result: pg.QueryResult | pg.QueryResult[]) => {
      if (error) {
        // A table changed under a prepared `select *` (another process migrated): prepare anew from now on.
        if (name && (error as { code?: unknown }).code === '0A000') forgetNames(client);
        reject(error);
      }
      // Several statements in one message answer with one result each: the last is the caller's.
      else resolve(Array.isArray(result) ? result[result.length - 1]! : result);
    };
    if (name) clientQuery.call(client, { name, text, values }, done);
    else if (values) clientQuery.call(client, text, values, done);
    else clientQuery.call(client, text, done);
  });
}

/**
 * Named (server-side prepared) statements: PostgreSQL parses and plans a
 * statement sent by name once per connection, and then only binds and runs
 * it — a third less time for a small statement, and for a catch-up's
 * multi-row inserts of the same size the parse of hundreds of values. A text
 * is named the second time a connection sends it (one-off statements stay
 * unnamed), up to NAMED_MAX texts per connection, whose plans the server
 * keeps for the connection's life. See docs/decisions/0021-prepared-statements.md.
 */
const NAMED_MAX = 128;
interface Names {
  seen: Set<string>;
  named: Map<string, string>;
  generation: number;
}
const namesOf = new WeakMap<pg.Client, Names>();
const unprepared = new WeakSet<pg.Client>();

function nameOf(client: pg.Client, text: string): string | undefined {
  if (unprepared.has(client)) return undefined;
  let names = namesOf.get(client);
  if (!names) {
    names = { seen: new Set(), named: new Map(), generation: 0 };
    namesOf.set(client, names);
  }
  const known = names.named.get(text);
  if (known !== undefined) return known;
  if (names.named.size >= NAMED_MAX) return undefined;
  if (!names.seen.has(text)) {
    if (names.seen.size < 4 * NAMED_MAX) names.seen.add(text);
    return undefined;
  }
  const name = `parley_${names.generation}_${names.named.size}`;
  names.named.set(text, name);
  return name;
}

function forgetNames(client: pg.Client): void {
  const names = namesOf.get(client);
  if (!names) return;
  names.seen.clear();
  names.named.clear();
  names.generation++;
}

(DeferringClient.prototype as unknown as { query: Query }).query = function (this: pg.Client, ...args) {
  const [text, values] = args;
  const state = stateOf(this);
  if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) {
    // Another form (a config object, a cursor): what is held goes first, in order (pg queues both).
    if (state.inTransaction && state.held.length > 0) void sendHeld(this, state);
    return clientQuery.apply(this, args);
  }
  if (state.inTransaction && state.failed && text.trim().toLowerCase() !== 'rollback') {
    // A message carrying the transaction's begin failed: the server may never have begun it, and
    // would take what follows as statements of their own. Refused, as PostgreSQL refuses them.
    return Promise.reject(
      Object.assign(new Error('current transaction is aborted, commands ignored until end of transaction block'), {
        code: '25P02',
      }),
    );
  }
  const command = text.length <= 32 ? text.trim().toLowerCase() : '';
  if ((command === 'begin' || command.startsWith('start transaction')) && values.length === 0) {
    // Held too: sent in the message of the transaction's first statement, not in one of its own.
    state.inTransaction = true;
    state.held = [text];
    state.atCommit = [];
    state.sent = false;
    state.failed = false;
    return Promise.resolve({ command: 'BEGIN', rowCount: null, rows: [], fields: [], oid: 0 });
  }
  if (state.inTransaction && text.endsWith(AT_COMMIT_MARK) && values.length === 0) {
    state.atCommit.push(text);
    return Promise.resolve({ command: 'DEFERRED', rowCount: null, rows: [], fields: [], oid: 0 });
  }
  if (state.inTransaction && text.endsWith(DEFER_MARK) && small(values)) {
    state.held.push(inline(text, values));
    return Promise.resolve({ command: 'DEFERRED', rowCount: null, rows: [], fields: [], oid: 0 });
  }
  if (command === 'rollback') {
    const unsent = state.inTransaction && !state.sent;
    state.inTransaction = false;
    state.failed = false;
    state.held = [];
    state.atCommit = [];
    // Nothing of the transaction reached the server, not even its begin: nothing to roll back.
    if (unsent) return Promise.resolve({ command: 'ROLLBACK', rowCount: null, rows: [], fields: [], oid: 0 });
    return run(this, text, values);
  }
  if (command === 'commit') {
    state.inTransaction = false;
    state.held.push(...state.atCommit);
    state.atCommit = [];
  }
  state.sent = true;
  if (state.held.length === 0) return run(this, text, values);
  const held = state.held;
  state.held = [];
  if (values.length === 0) return watched(state, run(this, `${held.join(';\n')};\n${text}`, undefined));
  // The reading statement goes in the same message, its values written in (one round trip, not two).
  const inlined = small(values) ? inlineRead(text, values) : undefined;
  if (inlined !== undefined) return watched(state, run(this, `${held.join(';\n')};\n${inlined}`, undefined));
  // Only once what is held ran: if its message failed unrun, this statement must not run on its own.
  return watched(state, run(this, held.join(';\n'), undefined)).then(() => run(this, text, values));
};

/** Sends what is held, alone (before a statement in another form). */
function sendHeld(client: pg.Client, state: Held): Promise<unknown> {
  const held = state.held;
  state.held = [];
  state.sent = true;
  return watched(state, run(client, held.join(';\n'), undefined)).catch(() => undefined);
}

/**
 * A message that carried held statements (the begin among them, perhaps):
 * if it fails, PostgreSQL may have run none of it — a syntax error anywhere
 * fails the whole message before it runs — so the transaction is taken as
 * failed until it is rolled back.
 */
function watched<T>(state: Held, sent: Promise<T>): Promise<T> {
  return sent.catch((error: unknown) => {
    if (state.inTransaction) state.failed = true;
    throw error;
  });
}

/**
 * Statements whose text this scanner could misread, and whose values are
 * therefore never written in: comments (but the two marks), dollar quotes,
 * escape strings, backslashes. Kysely writes none of them.
 */
const UNSAFE_TO_INLINE = /--|\/\*(?! parley:(?:deferred|at-commit) \*\/)|\$[A-Za-z_]*\$|[Ee]'|\\/;

/** A reading statement with its values written in (see readLiteral), or undefined if one cannot be. */
function inlineRead(text: string, values: readonly unknown[]): string | undefined {
  if (UNSAFE_TO_INLINE.test(text)) return undefined;
  try {
    return inline(text, values, readLiteral);
  } catch {
    return undefined;
  }
}

/**
 * Only small statements are held: a batch of hundreds of entries (catch-up)
 * pays one round trip for many rows anyway, and PostgreSQL parses a long
 * text of literals more slowly than it binds the same values (30,000
 * entries caught up in 11.8 s held against 8.5 s sent at once).
 */
const HELD_MAX_VALUES = 256;
const HELD_MAX_CHARS = 64 * 1024;
function small(values: readonly unknown[]): boolean {
  if (values.length > HELD_MAX_VALUES) return false;
  let chars = 0;
  for (const v of values) {
    if (typeof v === 'string') chars += v.length;
    else if (v instanceof Uint8Array) chars += 2 * v.byteLength;
  }
  return chars <= HELD_MAX_CHARS;
}

/** Per connection: whether a transaction is open, and the statements held in it (until a read; until the commit). */
interface Held {
  inTransaction: boolean;
  held: string[];
  atCommit: string[];
  /** Something of the open transaction (its begin at least) went to the server. */
  sent: boolean;
  /** A message carrying held statements failed: everything but a rollback is refused. */
  failed: boolean;
}
const states = new WeakMap<pg.Client, Held>();
function stateOf(client: pg.Client): Held {
  let state = states.get(client);
  if (!state) {
    state = { inTransaction: false, held: [], atCommit: [], sent: false, failed: false };
    states.set(client, state);
  }
  return state;
}
