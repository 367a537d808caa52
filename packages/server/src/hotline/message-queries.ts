import type { Precedence } from '@parley/contract';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MessagesTable } from '../store/database.js';
import type { HeadAdvancesTable, MessageAnswersTable } from '../store/hotline-tables.js';

export type MessageRow = Selectable<MessagesTable>;
export type AnswerRow = Selectable<MessageAnswersTable>;
export type AdvanceRow = Selectable<HeadAdvancesTable>;

// Reads of the messages and hotline projections; message-status.ts gives them meaning.

export function messageRows(db: Kysely<Database>, channel: string, ids: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('messages').selectAll().where('channel', '=', channel).where('id', 'in', ids).execute();
}

export function answerRows(db: Kysely<Database>, channel: string, ids: readonly string[]): Promise<AnswerRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('message_answers')
    .selectAll()
    .where('channel', '=', channel)
    .where('message_id', 'in', ids)
    .orderBy('message_id')
    .orderBy('party')
    .execute();
}

/** The first entry of `peer` whose heads name `author`'s feed at `seq` or beyond: proof it stored that entry. */
export function firstCover(
  db: Kysely<Database>,
  channel: string,
  peer: string,
  author: string,
  seq: number,
): Promise<AdvanceRow | undefined> {
  return db
    .selectFrom('head_advances')
    .selectAll()
    .where('channel', '=', channel)
    .where('peer', '=', peer)
    .where('author', '=', author)
    .where('seq', '>=', seq)
    .orderBy('peer_seq')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Messages older than the cutoff of their precedence (so past their handling
 * target) that fewer than all their recipients (the other members) answered,
 * oldest first.
 */
export function unansweredBefore(
  db: Kysely<Database>,
  channel: string,
  cutoffs: Readonly<Record<Precedence, string>>,
  members: readonly string[],
): Promise<MessageRow[]> {
  return db
    .selectFrom('messages as m')
    .selectAll('m')
    .where('m.channel', '=', channel)
    .where((eb) =>
      eb.or(
        Object.entries(cutoffs).map(([precedence, cutoff]) =>
          eb.and([eb('m.precedence', '=', precedence), eb('m.time', '<', cutoff)]),
        ),
      ),
    )
    .where((eb) =>
      eb(
        eb
          .selectFrom('message_answers as a')
          .select((sub) => sub.fn.count<number>('a.party').distinct().as('n'))
          .whereRef('a.channel', '=', 'm.channel')
          .whereRef('a.message_id', '=', 'm.id')
          .whereRef('a.party', '<>', 'm.author')
          .where('a.party', 'in', members),
        '<',
        members.length - 1,
      ),
    )
    .orderBy('m.time')
    .orderBy('m.author')
    .orderBy('m.seq')
    .execute();
}
