import type { Kysely, Migration } from 'kysely';

/**
 * The handling check (hotline/alarms.ts, every 5 s) looked for messages past
 * their handling target that some recipient has not answered by reading every
 * message of the channel and counting the answers to each one past its
 * target: its work grew with every message the channel ever held (40 ms a
 * check for 100,000 messages none of which was due). Now a message every
 * recipient answered is marked `settled` and not read again, and the index
 * finds the unsettled messages of one precedence older than its cutoff.
 * Nothing to fill: the next check settles what is answered.
 */
export function messageSettled(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('messages')
        .addColumn('settled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('messages_unsettled')
        .on('messages')
        .columns(['channel', 'precedence', 'settled', 'time'])
        .execute();
    },
  };
}
