import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * Statements of a fixed shape, built and compiled through Kysely once per
 * dialect and then run with new values. Building a query through Kysely's
 * builders and compiling it costs 20–40 µs, more than running one of an
 * append's small statements on SQLite; an append and its receipt run about
 * fifty of them. See docs/decisions/0021-prepared-statements.md.
 *
 * The statement is built with slots — sentinel strings — where its values go;
 * the compiled text keeps them as parameters, so each parameter is known to be
 * either a slot (filled from the row given at run time) or a constant the
 * builder wrote. Only builders whose shape does not depend on their values
 * may be prepared: no `$if` on a value, no value transformed while building,
 * no `undefined` (Kysely leaves such a column out). A value the builder
 * transformed is caught when the template is made; an `undefined` at run time.
 */
export class Prepared<P extends object, O> {
  readonly #build: (db: Kysely<Database>, rows: readonly P[]) => Compilable<O>;
  readonly #maxRows: number;
  readonly #templates = new WeakMap<object, Map<number, Template<O>>>();

  /**
   * `build` makes the statement for `rows` (one row for a single statement);
   * up to `maxRows` rows share a template per row count, more are built as usual.
   */
  constructor(build: (db: Kysely<Database>, rows: readonly P[]) => Compilable<O>, maxRows = 1) {
    this.#build = build;
    this.#maxRows = maxRows;
  }

  compile(db: Kysely<Database>, rows: readonly P[]): CompiledQuery<O> {
    if (rows.length === 0 || rows.length > this.#maxRows) return this.#build(db, rows).compile();
    // One compiler per dialect: a transaction's executor shares its database's adapter.
    const adapter = db.getExecutor().adapter;
    let byCount = this.#templates.get(adapter);
    if (!byCount) {
      byCount = new Map();
      this.#templates.set(adapter, byCount);
    }
    let template = byCount.get(rows.length);
    if (!template) {
      template = this.#template(db, rows.length);
      byCount.set(rows.length, template);
    }
    const parameters = template.slots.map((slot) => {
      if (!('key' in slot)) return slot.value;
      const value = (rows[slot.row] as Record<string, unknown>)[slot.key];
      if (value === undefined) throw new TypeError(`prepared statement: no value for ${slot.key} (row ${slot.row})`);
      return value;
    });
    return { sql: template.sql, parameters, query: template.query, queryId: template.queryId };
  }

  async execute(db: Kysely<Database>, rows: readonly P[]): Promise<O[]> {
    return (await db.executeQuery(this.compile(db, rows))).rows;
  }

  async first(db: Kysely<Database>, row: P): Promise<O | undefined> {
    return (await this.execute(db, [row]))[0];
  }

  #template(db: Kysely<Database>, count: number): Template<O> {
    const rows = Array.from({ length: count }, (_, row) => slotsOf(row) as P);
    const compiled = this.#build(db, rows).compile();
    const slots = compiled.parameters.map((value): Slot => {
      // Slots start with U+0000, which no constant of ours holds: one changed in any way is caught.
      if (typeof value === 'string' && value.includes('\u0000')) {
        const [row, key] = value.startsWith(SLOT) ? value.slice(SLOT.length).split(':', 2) : [];
        const made = key === undefined ? undefined : `${SLOT}${row}:${key}`;
        if (made !== value) throw new TypeError('prepared statement: a slot was transformed while building');
        return { row: Number(row), key: key! };
      }
      return { value };
    });
    return { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
  }
}

/**
 * Row counts templated for the inserts of one entry each (entries, their
 * messages, Merkle nodes): submissions in flight share a transaction (group
 * commit), and their batches are rarely larger.
 */
export const GROUP_ROWS = 64;

type Slot = { row: number; key: string } | { value: unknown };

interface Template<O> {
  sql: string;
  query: CompiledQuery<O>['query'];
  queryId: CompiledQuery<O>['queryId'];
  slots: Slot[];
}

const SLOT = '\u0000parley-slot:';

/** A row whose every property is the slot of that name: what a template is built from. */
function slotsOf(row: number): object {
  return new Proxy(
    {},
    {
      get: (_target, key) => {
        if (typeof key !== 'string') return undefined;
        return `${SLOT}${row}:${key}`;
      },
    },
  );
}
