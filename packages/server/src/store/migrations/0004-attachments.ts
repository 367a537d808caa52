import type { Kysely, Migration } from 'kysely';

/**
 * Attachments (hotline/attachments.ts). The blobs themselves live in
 * `attachments` (0002), keyed by the base64url SHA-256 of their bytes.
 * `attachment_refs` — every attachment an entry names, a projection rebuilt
 * from the record, so "may this peer fetch this hash" and "which blobs do we
 * still lack" are indexed lookups; `attachment_fetches` — this node's
 * attempts to fetch peers' blobs (attempts, next try, refusal), local state.
 */
export function attachments(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('attachment_refs')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('attachment_refs_pk', ['channel', 'entry_id', 'sha256'])
        .execute();
      await db.schema.createIndex('attachment_refs_by_hash').on('attachment_refs').columns(['sha256']).execute();
      await db.schema
        .createTable('attachment_fetches')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('refused_at', 'text')
        .execute();
    },
  };
}
