import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/**
 * The first schema: the record (feeds, entries, Merkle nodes), what is kept
 * beside it (peers, channels, checkpoints, forks, alarms) and the first
 * projections (peer_heads, entry_refs, messages). Times are RFC 3339 text.
 */
export function initial(caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('peers')
        .addColumn('party', 'text', (c) => c.primaryKey())
        .addColumn('card', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('channels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('charter', 'text', (c) => c.notNull())
        .addColumn('signatures', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('feeds')
        .addColumn('channel', 'text', (c) => c.notNull().references('channels.id'))
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('id', 'text')
        .addColumn('time', 'text')
        .addColumn('tree_size', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('feeds_pk', ['channel', 'author'])
        .execute();
      await db.schema
        .createTable('entries')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('header', 'text', (c) => c.notNull())
        .addColumn('sig', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('stored_at', 'text', (c) => c.notNull())
        .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addPrimaryKeyConstraint('entries_pk', ['channel', 'author', 'seq'])
        .addForeignKeyConstraint('entries_feed', ['channel', 'author'], 'feeds', ['channel', 'author'])
        .execute();
      await db.schema.createIndex('entries_by_type').on('entries').columns(['channel', 'type', 'time']).execute();
      await db.schema
        .createTable('merkle_nodes')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('hash', caps.bytesType, (c) => c.notNull())
        .addPrimaryKeyConstraint('merkle_nodes_pk', ['channel', 'author', 'level', 'idx'])
        .addForeignKeyConstraint('merkle_nodes_feed', ['channel', 'author'], 'feeds', ['channel', 'author'])
        .execute();
      await createKept(db, caps);
      await createProjections(db);
    },
  };
}

async function createKept(db: Kysely<unknown>, caps: Capabilities): Promise<void> {
  await db.schema
    .createTable('checkpoints')
    .addColumn('channel', 'text', (c) => c.notNull().references('channels.id'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoints_pk', ['channel', 'author', 'size'])
    .execute();
  await db.schema
    .createTable('forks')
    .addColumn('channel', 'text', (c) => c.notNull().references('channels.id'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('ids', 'text', (c) => c.notNull())
    .addColumn('proof', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('from_peer', 'text')
    .addPrimaryKeyConstraint('forks_pk', ['channel', 'author', 'seq', 'ids'])
    .execute();
  await db.schema
    .createTable('alarms')
    .addColumn('id', 'integer', (c) =>
      caps.autoId === 'identity' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('cleared_at', 'text')
    .execute();
  await db.schema.createIndex('alarms_open').on('alarms').columns(['cleared_at', 'id']).execute();
}

async function createProjections(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('peer_heads')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('peer_heads_pk', ['channel', 'peer', 'author'])
    .execute();
  await db.schema
    .createTable('entry_refs')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('from_id', 'text', (c) => c.notNull())
    .addColumn('to_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('entry_refs_pk', ['channel', 'to_id', 'from_id'])
    .execute();
  await db.schema
    .createTable('messages')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('precedence', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_pk', ['channel', 'author', 'seq'])
    .execute();
  await db.schema.createIndex('messages_by_time').on('messages').columns(['channel', 'time']).execute();
}
