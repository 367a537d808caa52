import type { Insertable, Kysely } from 'kysely';
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
  const byChannel = new Map<string, Set<string>>();
  for (const r of rows) byChannel.set(r.channel, (byChannel.get(r.channel) ?? new Set()).add(r.entry_id));
  for (const [channel, ids] of byChannel) {
    for (const batch of chunks([...ids])) {
      // The refs just inserted (found by their primary key), less the blobs held.
      await deferred(
        db
          .insertInto('attachment_wanted')
          .columns(['sha256'])
          .expression(
            db
              .selectFrom('attachment_refs as r')
              .select('r.sha256')
              .distinct()
              .where('r.channel', '=', channel)
              .where('r.entry_id', 'in', batch)
              .where(({ not, exists, selectFrom }) =>
                not(exists(selectFrom('attachments as a').select('a.sha256').whereRef('a.sha256', '=', 'r.sha256'))),
              ),
          )
          .onConflict((oc) => oc.column('sha256').doNothing()),
      ).execute();
    }
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
