import { type Insertable, type Kysely, sql } from 'kysely';
import type { AttachmentRefsTable } from './attachment-tables.js';
import type { Database } from './database.js';
import { deferred } from './dialects/deferred-writes.js';
import { chunks } from './entry-rows.js';
import type { ProjectedEntry } from './projections.js';

/** The attachments' projection tables, emptied and replayed by rebuildProjections. */
export const attachmentProjectionTables = ['attachment_refs', 'attachment_wanted'] as const;

/**
 * Projects the attachments each entry names (`body.attachments` of a message
 * or an incident report, already checked against the schema) into
 * attachment_refs, and those of them this node does not hold into
 * attachment_wanted (storing a blob takes it out: hotline/attachments.ts).
 * Inserts are idempotent, so any order or replay agrees.
 */
export async function projectAttachments(db: Kysely<Database>, entries: readonly ProjectedEntry[]): Promise<void> {
  const rows = entries.flatMap(refRows);
  for (const batch of chunks(rows)) {
    await deferred(
      db
        .insertInto('attachment_refs')
        .values(batch)
        .onConflict((oc) => oc.columns(['channel', 'entry_id', 'sha256']).doNothing()),
    ).execute();
  }
  // The hashes named, less the blobs held, in one order: two transactions adding the same
  // hashes on PostgreSQL take their keys in the same order and cannot deadlock.
  const hashes = [...new Set(rows.map((r) => r.sha256))].sort();
  for (const batch of chunks(hashes)) {
    const named = sql.join(batch.map((h) => sql`(${h})`));
    await deferred(
      db
        .insertInto('attachment_wanted')
        .columns(['sha256'])
        .expression(
          sql<{ sha256: string }>`select v.column1 from (values ${named}) as v
            where not exists (select 1 from attachments a where a.sha256 = v.column1) order by v.column1`,
        )
        .onConflict((oc) => oc.column('sha256').doNothing()),
    ).execute();
  }
}

function refRows({ id, header, body }: ProjectedEntry): Insertable<AttachmentRefsTable>[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const list = (body as Record<string, unknown>).attachments;
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  const rows: Insertable<AttachmentRefsTable>[] = [];
  for (const a of list) {
    if (typeof a !== 'object' || a === null) continue;
    const { sha256, name, contentType, size } = a as Record<string, unknown>;
    if (typeof sha256 !== 'string' || typeof name !== 'string' || typeof contentType !== 'string') continue;
    if (typeof size !== 'number' || seen.has(sha256)) continue;
    seen.add(sha256);
    rows.push({
      channel: header.channel,
      entry_id: id,
      author: header.author,
      seq: header.seq,
      sha256,
      name,
      content_type: contentType,
      size,
    });
  }
  return rows;
}
