import type { Precedence } from '@parley/contract';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
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

/** How many of `members` other than its author answered the message (a correlated subquery on `messages`). */
function answeredBy(eb: ExpressionBuilder<Database & { m: MessagesTable }, 'm'>, members: readonly string[]) {
  return eb
    .selectFrom('message_answers as a')
    .select((sub) => sub.fn.count<number>('a.party').distinct().as('n'))
    .whereRef('a.channel', '=', 'm.channel')
    .whereRef('a.message_id', '=', 'm.id')
    .whereRef('a.party', '<>', 'm.author')
    .where('a.party', 'in', members);
}

/**
 * Messages older than the cutoff of their precedence (so past their handling
 * target) that fewer than all their recipients (the other members) answered,
 * oldest first. Settled messages are not read (see settleAnswered): one
 * indexed range per precedence, whatever the channel held before.
 */
export async function unansweredBefore(
  db: Kysely<Database>,
  channel: string,
  cutoffs: Readonly<Record<Precedence, string>>,
  members: readonly string[],
): Promise<MessageRow[]> {
  const rows: MessageRow[] = [];
  for (const [precedence, cutoff] of Object.entries(cutoffs)) {
    rows.push(
      ...(await db
        .selectFrom('messages as m')
        .selectAll('m')
        .where('m.channel', '=', channel)
        .where('m.precedence', '=', precedence)
        .where('m.settled', '=', 0)
        .where('m.time', '<', cutoff)
        .where((eb) => eb(answeredBy(eb, members), '<', members.length - 1))
        .execute()),
    );
  }
  return rows.sort((a, b) => cmp(a.time, b.time) || cmp(a.author, b.author) || a.seq - b.seq);
}

/**
 * Marks settled the messages past their handling target that every recipient
 * has answered: answers are entries, never taken back, so such a message is
 * never overdue again, and unansweredBefore reads it no more. Returns how
 * many it marked.
 */
export async function settleAnswered(
  db: Kysely<Database>,
  channel: string,
  cutoffs: Readonly<Record<Precedence, string>>,
  members: readonly string[],
): Promise<number> {
  // Read first, written only when there is something to mark: most checks find nothing, and a
  // write every 5 s would take SQLite's write lock (waiting on another process that holds it).
  const byAuthor = new Map<string, number[]>();
  for (const [precedence, cutoff] of Object.entries(cutoffs)) {
    const rows = await db
      .selectFrom('messages as m')
      .select(['m.author', 'm.seq'])
      .where('m.channel', '=', channel)
      .where('m.precedence', '=', precedence)
      .where('m.settled', '=', 0)
      .where('m.time', '<', cutoff)
      .where((eb) => eb(answeredBy(eb, members), '>=', members.length - 1))
      .execute();
    for (const r of rows) {
      const seqs = byAuthor.get(r.author) ?? [];
      seqs.push(r.seq);
      byAuthor.set(r.author, seqs);
    }
  }
  let settled = 0;
  // By the primary key (channel, author, seq).
  for (const [author, seqs] of byAuthor) {
    for (let i = 0; i < seqs.length; i += 500) {
      const batch = seqs.slice(i, i + 500);
      await db
        .updateTable('messages')
        .set({ settled: 1 })
        .where('channel', '=', channel)
        .where('author', '=', author)
        .where('seq', 'in', batch)
        .execute();
      settled += batch.length;
    }
  }
  return settled;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
