import type { EntryHeader } from '@parley/contract';
import type { Insertable, Kysely } from 'kysely';
import type { Database } from './database.js';
import { deferred } from './dialects/deferred-writes.js';
import { chunks } from './entry-rows.js';
import type { HeadAdvancesTable, MessageAnswersTable } from './hotline-tables.js';
import { Prepared } from './prepared.js';
import type { ProjectedEntry } from './projections.js';

/** The hotline's projection tables, emptied and replayed by rebuildProjections. */
export const hotlineProjectionTables = ['message_answers', 'head_advances'] as const;

/**
 * Projects answers (message-ack, message-unread) and head advances. Both
 * depend only on an entry and the entry before it in its own feed (both
 * immutable), and upserts keep the lowest seq, so any order of appends and
 * any replay give the same rows.
 */
export async function projectHotline(db: Kysely<Database>, entries: readonly ProjectedEntry[]): Promise<void> {
  const answers = new Map<string, AnswerRow>();
  for (const e of entries) {
    const row = answerRow(e);
    if (!row) continue;
    const key = JSON.stringify([row.channel, row.message_id, row.party, row.kind]);
    if ((answers.get(key)?.seq ?? Number.POSITIVE_INFINITY) > row.seq) answers.set(key, row);
  }
  for (const batch of chunks([...answers.values()])) await upsertAnswers.execute(db, batch);
  for (const batch of chunks(await advances(db, entries))) await insertAdvances.execute(db, batch);
}

type AnswerRow = Required<Insertable<MessageAnswersTable>>;

const upsertAnswers = new Prepared(
  (db, rows: readonly AnswerRow[]) =>
    deferred(
      db
        .insertInto('message_answers')
        .values(
          rows.map((r) => ({
            channel: r.channel,
            message_id: r.message_id,
            party: r.party,
            kind: r.kind,
            entry_id: r.entry_id,
            seq: r.seq,
            time: r.time,
            by_person: r.by_person,
            reason: r.reason,
            note: r.note,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['channel', 'message_id', 'party', 'kind'])
            .doUpdateSet((eb) => ({
              entry_id: eb.ref('excluded.entry_id'),
              seq: eb.ref('excluded.seq'),
              time: eb.ref('excluded.time'),
              by_person: eb.ref('excluded.by_person'),
              reason: eb.ref('excluded.reason'),
              note: eb.ref('excluded.note'),
            }))
            .where((eb) => eb('excluded.seq', '<', eb.ref('message_answers.seq'))),
        ),
    ),
  8,
);

type AdvanceRow = Required<Insertable<HeadAdvancesTable>>;

const insertAdvances = new Prepared(
  (db, rows: readonly AdvanceRow[]) =>
    deferred(
      db
        .insertInto('head_advances')
        .values(
          rows.map((r) => ({
            channel: r.channel,
            peer: r.peer,
            peer_seq: r.peer_seq,
            author: r.author,
            seq: r.seq,
            entry_id: r.entry_id,
            time: r.time,
          })),
        )
        .onConflict((oc) => oc.columns(['channel', 'peer', 'peer_seq', 'author']).doNothing()),
    ),
  8,
);

function answerRow({ id, header, body }: ProjectedEntry): AnswerRow | undefined {
  if (header.type !== 'message-ack' && header.type !== 'message-unread') return undefined;
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof b.message !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    channel: header.channel,
    message_id: b.message,
    party: header.author,
    kind: header.type === 'message-ack' ? 'ack' : 'unread',
    entry_id: id,
    seq: header.seq,
    time: header.time,
    by_person: text(b.by),
    reason: text(b.reason),
    note: text(b.note),
  };
}

type Heads = EntryHeader['heads'];

/**
 * The heads of recently projected entries, by entry id: a feed's next batch
 * starts after one of them, whose heads would otherwise be read back from the
 * store. An id names one header, so the map is never stale.
 */
const recentHeads = new Map<string, Heads>();
const RECENT_HEADS_KEPT = 1024;

function rememberHeads(id: string, heads: Heads): void {
  if (recentHeads.size >= RECENT_HEADS_KEPT) recentHeads.delete(recentHeads.keys().next().value!);
  recentHeads.set(id, heads);
}

/** The heads of each entry that moved forward from the entry before it in the same feed. */
async function advances(db: Kysely<Database>, entries: readonly ProjectedEntry[]): Promise<AdvanceRow[]> {
  const key = (channel: string, author: string, seq: number) => JSON.stringify([channel, author, seq]);
  const known = new Map<string, Heads>(
    entries.map((e) => [key(e.header.channel, e.header.author, e.header.seq), e.header.heads]),
  );
  const rows: AdvanceRow[] = [];
  for (const { id, header } of entries) {
    const { channel, author: peer, seq } = header;
    const prev =
      seq > 1
        ? (known.get(key(channel, peer, seq - 1)) ??
          (header.prev !== null ? recentHeads.get(header.prev) : undefined) ??
          (await storedHeads(db, channel, peer, seq - 1)))
        : {};
    for (const [author, head] of Object.entries(header.heads)) {
      if (head.seq <= (prev[author]?.seq ?? 0)) continue;
      rows.push({ channel, peer, peer_seq: seq, author, seq: head.seq, entry_id: id, time: header.time });
    }
  }
  const last = entries[entries.length - 1];
  if (last) rememberHeads(last.id, last.header.heads);
  return rows;
}

/** The heads of a stored entry (the one before the first of a batch: its feed is appended in order). */
async function storedHeads(db: Kysely<Database>, channel: string, author: string, seq: number): Promise<Heads> {
  const row = await db
    .selectFrom('entries')
    .select('header')
    .where('channel', '=', channel)
    .where('author', '=', author)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row ? (JSON.parse(row.header) as EntryHeader).heads : {};
}
