import type { Kysely, Migration } from 'kysely';

/**
 * Every message submitted reads the highest serial of its author's messages
 * in the channel (under the feed's lock). Without an index on the serial,
 * both databases answered `max(serial)` by reading every message of that
 * author: a send got slower with each message the channel ever held. With
 * this index it is one descent of a B-tree.
 */
export function messageSerials(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('messages_by_serial')
        .on('messages')
        .columns(['channel', 'author', 'serial'])
        .execute();
    },
  };
}
