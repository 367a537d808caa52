import type { Kysely, Migration } from 'kysely';

/**
 * Projections for the hotline's states (hotline/message-status.ts):
 * `message_answers` — a person's answer to a message (message-ack: read;
 * message-unread: not actionable), the first per party and kind;
 * `head_advances` — each entry whose signed heads moved a member's known
 * position in another feed forward, so "stored at the peer, at time T" is one
 * indexed lookup. Both are rebuilt from the record (rebuildProjections).
 */
export function hotline(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('message_answers')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('party', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('by_person', 'text')
        .addColumn('reason', 'text')
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('message_answers_pk', ['channel', 'message_id', 'party', 'kind'])
        .execute();
      await db.schema
        .createTable('head_advances')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('peer', 'text', (c) => c.notNull())
        .addColumn('peer_seq', 'integer', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('head_advances_pk', ['channel', 'peer', 'peer_seq', 'author'])
        .execute();
      await db.schema
        .createIndex('head_advances_cover')
        .on('head_advances')
        .columns(['channel', 'peer', 'author', 'seq'])
        .execute();
    },
  };
}
