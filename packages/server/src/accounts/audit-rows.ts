import type { AuditEntry, AuditFilter } from '@parley/contract';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../store/database.js';
import { Prepared } from '../store/prepared.js';

type Db = Kysely<Database>;
export type AuditInput = Omit<AuditEntry, 'id' | 'at'>;

/** Written with every submitted message (in its transaction): prepared once (store/prepared.ts). */
const insertAudit = new Prepared(
  (
    db,
    [p]: readonly {
      user: string | null;
      action: string;
      target: string | null;
      address: string | null;
      details: string;
      at: string;
    }[],
  ) =>
    db.insertInto('audit_log').values({
      user: p!.user,
      action: p!.action,
      target: p!.target,
      address: p!.address,
      details: p!.details,
      at: p!.at,
    }),
);

export async function appendAudit(db: Db, at: string, entry: AuditInput): Promise<void> {
  const { user, action, target, address } = entry;
  await insertAudit.execute(db, [{ user, action, target, address, details: JSON.stringify(entry.details), at }]);
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}

/** Filter conditions; an action ending in "." matches every action under it ("users." → users.create, …). */
function matching(filter: AuditFilter) {
  return (eb: ExpressionBuilder<Database, 'audit_log'>) => {
    const all = [];
    if (filter.user !== undefined) all.push(eb('user', '=', filter.user));
    if (filter.action?.endsWith('.')) all.push(eb('action', 'like', `${filter.action.replace(/[%_\\]/g, '')}%`));
    else if (filter.action !== undefined) all.push(eb('action', '=', filter.action));
    if (filter.from !== undefined) all.push(eb('at', '>=', filter.from));
    if (filter.to !== undefined) all.push(eb('at', '<=', filter.to));
    return eb.and(all);
  };
}

/** Newest first, `limit` entries with ids below `before`. */
export async function auditPage(
  db: Db,
  filter: AuditFilter,
  before: number | undefined,
  limit: number,
): Promise<{ entries: AuditEntry[]; next: number | null }> {
  let query = db.selectFrom('audit_log').selectAll().where(matching(filter));
  if (before !== undefined) query = query.where('id', '<', before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const entries = rows.slice(0, limit).map(toEntry);
  return { entries, next: rows.length > limit ? entries[entries.length - 1]!.id : null };
}

/** Every matching entry, oldest first, read `batch` rows at a time. */
export async function* auditRows(db: Db, filter: AuditFilter, batch = 500): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where(matching(filter))
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute();
    for (const row of rows) yield toEntry(row);
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}
