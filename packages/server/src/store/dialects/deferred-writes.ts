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
 * mark is an SQL comment and the statement runs at once, as does a marked
 * statement past what a connection holds (HELD_MAX_BYTES).
 * A transaction's `begin` is held the same way, and the reading statement
 * that sends what is held goes with them: one pipeline of the extended
 * protocol (each statement parsed, or bound to its prepared plan, and run;
 * one Sync at the end), answered in one round trip. A transaction that
 * locks a feed, writes and commits costs three round trips, not five. A
 * transaction that sent nothing is not rolled back on the server (it never
 * began there). See docs/decisions/0020-fewer-round-trips.md, 0029 and 0038.
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
        if (name && REPREPARE.has(String((error as { code?: unknown }).code))) forgetNames(client);
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

/** A statement held: its text and its values, sent as parameters. */
interface Statement {
  text: string;
  values: readonly unknown[];
}

/** What pg exports beside its typings: its result builder and the mapping of a value to a parameter. */
interface PgResult extends pg.QueryResult {
  _types: unknown;
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): pg.QueryResultRow;
  addRow(row: pg.QueryResultRow): void;
  addCommandComplete(message: unknown): void;
}
const pgInternals = pg as unknown as {
  Result: new (rowMode?: string, types?: unknown) => PgResult;
  utils: { prepareValue(value: unknown): unknown };
};

/** pg's connection, as far as a pipeline writes to it (its public message writers). */
interface Connection {
  parsedStatements: Record<string, string>;
  stream: { cork?(): void; uncork?(): void };
  parse(message: { name?: string; text: string }): void;
  bind(message: { statement?: string; values: unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: Record<string, never>): void;
  sync(): void;
  sendCopyFail(message: string): void;
  on(event: 'parseComplete', listener: () => void): void;
  once(event: 'readyForQuery', listener: () => void): void;
  off(event: 'parseComplete', listener: () => void): void;
}

/**
 * Several statements in one message of the extended protocol: each parsed
 * (or bound to the plan its connection prepared for it, decision 0021) and
 * run, then one Sync, so one round trip. The server runs them in order and,
 * at an error, skips the rest up to the Sync: the pipeline fails with that
 * error, as a message of several statements would. The caller's result is
 * the last statement's. A pg submittable (the interface pg-cursor uses): pg's
 * client queues it and routes the answers to it.
 */
class Pipeline {
  /** pg's client gives it its type parsers; the last statement's rows and count. */
  readonly _result = new pgInternals.Result();
  callback: (error: Error | null, result?: pg.QueryResult) => void;
  readonly #client: pg.Client;
  readonly #statements: readonly Statement[];
  /** Which statement the server answers for now. */
  #at = 0;
  /** Names parsed in this pipeline, in order (undefined: an unnamed statement): marked prepared as each completes. */
  readonly #parsing: Array<string | undefined> = [];
  #connection: Connection | undefined;
  #rowError: Error | undefined;
  /** Thrown while writing the pipeline: its answer, once the server has answered what went out. */
  #failure: Error | undefined;
  #answered = false;
  readonly #detach = () => {
    this.#connection?.off('parseComplete', this.#parsed);
    this.#connection = undefined;
  };
  readonly #parsed = () => {
    const name = this.#parsing.shift();
    const statement = name === undefined ? undefined : this.#named.get(name);
    if (name !== undefined && statement !== undefined && this.#connection)
      this.#connection.parsedStatements[name] = statement;
  };
  readonly #named = new Map<string, string>();

  constructor(
    client: pg.Client,
    statements: readonly Statement[],
    callback: (error: Error | null, result?: pg.QueryResult) => void,
  ) {
    this.#client = client;
    this.#statements = statements;
    this.callback = callback;
  }

  /** The statements' text (what a recorder wrapping pg's query reads). */
  get text(): string {
    return this.#statements.map((s) => s.text).join(';\n');
  }

  submit(connection: Connection): Error | null {
    // Every value mapped first: a value pg cannot send fails the pipeline before a byte of it is written.
    let bound: unknown[][];
    try {
      bound = this.#statements.map((s) => s.values.map((v) => pgInternals.utils.prepareValue(v)));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    this.#connection = connection;
    // Until this pipeline's ReadyForQuery, which comes after every answer to it (even once the
    // caller was answered: an error, a timeout), each ParseComplete is one of its statements'.
    connection.on('parseComplete', this.#parsed);
    connection.once('readyForQuery', this.#detach);
    const last = this.#statements.length - 1;
    connection.stream.cork?.();
    try {
      this.#statements.forEach((s, i) => {
        const name = s.values.length > 0 ? nameOf(this.#client, s.text) : undefined;
        if (name === undefined || (connection.parsedStatements[name] === undefined && !this.#named.has(name))) {
          connection.parse({ name, text: s.text });
          this.#parsing.push(name);
          if (name !== undefined) this.#named.set(name, s.text);
        }
        connection.bind({ statement: name, values: bound[i]! });
        if (i === last) connection.describe({ type: 'P', name: '' });
        connection.execute({});
      });
    } catch (error) {
      // Whole messages only went out (pg builds each before writing it): the server runs them, in
      // the transaction, and answers at the Sync; the caller then gets this error, and rolls back.
      this.#failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      connection.sync();
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(message: { fields: unknown[] }): void {
    if (this.#at === this.#statements.length - 1) this._result.addFields(message.fields);
  }

  handleDataRow(message: { fields: unknown[] }): void {
    if (this.#at !== this.#statements.length - 1 || this.#rowError) return;
    try {
      this._result.addRow(this._result.parseRow(message.fields));
    } catch (error) {
      this.#rowError = error instanceof Error ? error : new Error(String(error));
    }
  }

  handleCommandComplete(message: unknown): void {
    if (this.#at === this.#statements.length - 1) this._result.addCommandComplete(message);
    this.#at++;
  }

  handleEmptyQuery(): void {
    this.#at++;
  }

  /** Never asked for (every statement runs to its end); there is nothing to do. */
  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: Connection): void {
    connection.sendCopyFail('parley sends no COPY');
  }

  handleCopyData(): void {}

  handleError(error: Error): void {
    // A table changed under a prepared `select *` (another process migrated), or this connection's
    // prepared statements are not what it believes: prepare anew from now on.
    if (REPREPARE.has(String((error as { code?: unknown }).code))) forgetNames(this.#client);
    this.#answer(error);
  }

  handleReadyForQuery(): void {
    const failure = this.#failure ?? this.#rowError;
    if (failure) this.#answer(failure);
    else this.#answer(null, this._result);
  }

  #answer(error: Error | null, result?: pg.QueryResult): void {
    if (this.#answered) return;
    this.#answered = true;
    this.callback(error, result);
  }
}

/** SQLSTATEs after which a connection's prepared statements are prepared anew (under new names). */
const REPREPARE = new Set(['0A000', '42P05', '26000']);

/** Sends `statements` as one pipeline; resolves with the last one's result. */
function runAll(client: pg.Client, statements: readonly Statement[]): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    clientQuery.call(
      client,
      new Pipeline(client, statements, (error, result) => (error ? reject(error) : resolve(result!))),
    );
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
    state.held = [{ text, values }];
    state.heldBytes = 0;
    state.atCommit = [];
    state.sent = false;
    state.failed = false;
    return Promise.resolve({ command: 'BEGIN', rowCount: null, rows: [], fields: [], oid: 0 });
  }
  if (state.inTransaction && text.endsWith(AT_COMMIT_MARK) && values.length === 0) {
    state.atCommit.push({ text, values });
    return Promise.resolve({ command: 'DEFERRED', rowCount: null, rows: [], fields: [], oid: 0 });
  }
  if (state.inTransaction && text.endsWith(DEFER_MARK)) {
    const bytes = sizeOf(values);
    if (state.heldBytes + bytes <= HELD_MAX_BYTES) {
      state.held.push({ text, values });
      state.heldBytes += bytes;
      return Promise.resolve({ command: 'DEFERRED', rowCount: null, rows: [], fields: [], oid: 0 });
    }
    // Past the bound: sent now, with what is held, and its caller waits for it.
  }
  if (command === 'rollback') {
    const unsent = state.inTransaction && !state.sent;
    state.inTransaction = false;
    state.failed = false;
    state.held = [];
    state.heldBytes = 0;
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
  state.heldBytes = 0;
  // Several commands in one text cannot be parsed as one statement: what is held goes first, then the text.
  if (values.length === 0 && text.includes(';'))
    return watched(state, runAll(this, held)).then(() => run(this, text, undefined));
  // The statement goes in the same pipeline as what is held: one round trip, not two.
  held.push({ text, values });
  return watched(state, runAll(this, held));
};

/** Sends what is held, alone (before a statement in another form). */
function sendHeld(client: pg.Client, state: Held): Promise<unknown> {
  const held = state.held;
  state.held = [];
  state.heldBytes = 0;
  state.sent = true;
  return watched(state, runAll(client, held)).catch(() => undefined);
}

/**
 * A pipeline that carried held statements (the begin among them, perhaps):
 * if it fails, the server skipped the rest of it, and the begin itself may
 * not have run (a connection lost) — so the transaction is taken as failed
 * until it is rolled back, whatever the server's state.
 */
function watched<T>(state: Held, sent: Promise<T>): Promise<T> {
  return sent.catch((error: unknown) => {
    if (state.inTransaction) state.failed = true;
    throw error;
  });
}

/**
 * How much a connection holds at most, in bytes of values: a catch-up's
 * push of a few hundred entries fits whole; a transaction of large bodies
 * is sent in pieces of about this size rather than buffered whole (a push
 * may carry hundreds of bodies of up to 256 KiB).
 */
const HELD_MAX_BYTES = 2 * 1024 * 1024;

/** About the bytes a statement's values take on the wire: text and bytes by length, the rest a few bytes each. */
function sizeOf(values: readonly unknown[]): number {
  let bytes = 0;
  for (const v of values) {
    if (typeof v === 'string') bytes += v.length;
    else if (v instanceof Uint8Array) bytes += v.byteLength;
    else bytes += 8;
  }
  return bytes;
}

/** Per connection: whether a transaction is open, and the statements held in it (until a read; until the commit). */
interface Held {
  inTransaction: boolean;
  held: Statement[];
  /** The bytes of the values held (sizeOf), bounded by HELD_MAX_BYTES. */
  heldBytes: number;
  atCommit: Statement[];
  /** Something of the open transaction (its begin at least) went to the server. */
  sent: boolean;
  /** A message carrying held statements failed: everything but a rollback is refused. */
  failed: boolean;
}
const states = new WeakMap<pg.Client, Held>();
function stateOf(client: pg.Client): Held {
  let state = states.get(client);
  if (!state) {
    state = { inTransaction: false, held: [], heldBytes: 0, atCommit: [], sent: false, failed: false };
    states.set(client, state);
  }
  return state;
}
