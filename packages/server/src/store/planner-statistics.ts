import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

/** Below this many rows changed since the last ANALYZE a table is left alone (its plans hardly depend on it). */
const MIN_CHANGED_ROWS = 1000;

/**
 * PostgreSQL only: refreshes the planner statistics of the tables in `schema`
 * that never had them, or changed by more than a tenth since (autovacuum's own
 * rule), with ANALYZE. Without statistics the planner takes a channel for a few
 * hundred rows and may answer a page of `scan` (`… where (author, seq) > (…)
 * order by author, seq limit n`) by reading and sorting every remaining row of
 * the channel, so reading a record of N entries costs O(N²): a node restarted
 * over 120,000 entries was still in its startup folds after 20 s. Autovacuum
 * normally keeps statistics current, but it may be off or late (a schema just
 * filled, a fresh restore).
 *
 * Runs at open, after the migrations: one catalog query when nothing is stale,
 * ~0.5 s of ANALYZE at 120,000 entries when the record grew by a tenth. Never
 * fails the open: a role that may not analyze, or a read-only server, leaves
 * the statistics as they were.
 */
export async function refreshPlannerStatistics(db: Kysely<Database>, schema: string): Promise<string[]> {
  try {
    const { rows } = await sql<{ table: string }>`
      select c.relname as "table"
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      join pg_catalog.pg_stat_user_tables s on s.relid = c.oid
      where n.nspname = ${schema} and c.relkind = 'r'
        and s.n_mod_since_analyze >= ${MIN_CHANGED_ROWS}
        and s.n_mod_since_analyze > 0.1 * greatest(c.reltuples, 0)
      order by c.relname`.execute(db);
    const tables = rows.map((r) => r.table);
    if (tables.length > 0) await sql`analyze ${sql.join(tables.map((t) => sql.table(`${schema}.${t}`)))}`.execute(db);
    return tables;
  } catch {
    return [];
  }
}
