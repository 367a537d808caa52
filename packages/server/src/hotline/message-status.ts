import { type Charter, ParleyError, type Precedence, precedences } from '@parley/contract';
import { channelState, requireActive } from '../node/channel-state.js';
import type { Store } from '../store/store.js';
import { dtg } from './dtg.js';
import { databaseOf } from './hotline-db.js';
import {
  type AnswerRow,
  answerRows,
  firstCover,
  type MessageRow,
  messageRows,
  settleAnswered,
  unansweredBefore,
} from './message-queries.js';

/** Where one recipient stands with a message. */
export interface RecipientStatus {
  party: string;
  /** The furthest state reached: sent (not known to be stored), stored, read, or unread (non-receipt). */
  state: 'sent' | 'stored' | 'read' | 'unread';
  /** The recipient's first entry whose heads cover the message (its receipt, or anything after). */
  stored: { at: string; entry: string; seq: number } | null;
  /** message-ack: a person read it. */
  read: { at: string; entry: string; by: string | null } | null;
  /** message-unread: received but discarded or not actionable. */
  unread: { at: string; entry: string; reason: string | null; note: string | null } | null;
  /** No person answered (read or unread) and the due time has passed. */
  overdue: boolean;
  /** A person answered, but after the due time. */
  late: boolean;
}

export interface MessageStatus {
  id: string;
  channel: string;
  author: string;
  seq: number;
  serial: number;
  precedence: Precedence;
  subject: string;
  language: string;
  time: string;
  /** Date-time group of `time`, e.g. `211305Z DEC 23`. */
  dtg: string;
  /** The charter's handling target for the precedence, in minutes. */
  targetMinutes: number;
  /** time + target: by when a person at each recipient should have answered. */
  due: string;
  /** Some recipient is overdue. */
  overdue: boolean;
  recipients: RecipientStatus[];
}

/** A message past its handling target that some recipient has not answered. */
export interface OverdueMessage {
  id: string;
  author: string;
  seq: number;
  serial: number;
  precedence: Precedence;
  subject: string;
  time: string;
  dtg: string;
  due: string;
  /** Recipients with no person's answer; `stored`: whether they are known to hold the message at all. */
  missing: Array<{ party: string; stored: boolean }>;
}

/**
 * A message's states at every recipient: stored (the recipient's own signed
 * heads cover it), read (message-ack), unread (message-unread), with times;
 * its handling target from the charter, due time, and whether it is overdue
 * at `now`. A message-unread answers the target too: a person dealt with it.
 */
export async function messageStatus(
  store: Store,
  channel: string,
  messageId: string,
  now: number,
): Promise<MessageStatus> {
  const { charter, members } = await activeChannel(store, channel);
  const db = databaseOf(store);
  const [row] = await messageRows(db, channel, [messageId]);
  if (!row) throw await notAMessage(store, channel, messageId);
  const answers = await answerRows(db, channel, [messageId]);
  const due = dueOf(charter, row);
  const recipients: RecipientStatus[] = [];
  for (const party of members.filter((m) => m !== row.author)) {
    const cover = await firstCover(db, channel, party, row.author, row.seq);
    recipients.push(recipientStatus(party, cover, answers, due, now));
  }
  return {
    id: row.id,
    channel,
    author: row.author,
    seq: row.seq,
    serial: row.serial,
    precedence: row.precedence as Precedence,
    subject: row.subject,
    language: row.language,
    time: row.time,
    dtg: dtg(row.time),
    targetMinutes: charter.handlingTargets[row.precedence as Precedence],
    due: new Date(due).toISOString(),
    overdue: recipients.some((r) => r.overdue),
    recipients,
  };
}

/**
 * messageStatus for a page of messages at once: one read of the charter, the
 * answers and, per recipient and author, the head advances that can cover
 * them, instead of several queries per message. Unknown ids are left out;
 * the order is `ids`'.
 */
export async function messageStatuses(
  store: Store,
  channel: string,
  ids: readonly string[],
  now: number,
): Promise<MessageStatus[]> {
  const { charter, members } = await activeChannel(store, channel);
  const db = databaseOf(store);
  const rows = new Map((await messageRows(db, channel, ids)).map((r) => [r.id, r]));
  const answers = await answerRows(db, channel, ids);
  const covers = new Map<string, Array<{ time: string; entry_id: string; peer_seq: number; seq: number }>>();
  for (const author of new Set([...rows.values()].map((r) => r.author))) {
    const from = Math.min(...[...rows.values()].filter((r) => r.author === author).map((r) => r.seq));
    for (const party of members.filter((m) => m !== author)) {
      const advances = await db
        .selectFrom('head_advances')
        .select(['time', 'entry_id', 'peer_seq', 'seq'])
        .where('channel', '=', channel)
        .where('peer', '=', party)
        .where('author', '=', author)
        .where('seq', '>=', from)
        .orderBy('peer_seq')
        .execute();
      covers.set(`${party}\u0000${author}`, advances);
    }
  }
  const out: MessageStatus[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) continue;
    const due = dueOf(charter, row);
    const mine = answers.filter((a) => a.message_id === id);
    const recipients = members
      .filter((m) => m !== row.author)
      .map((party) => {
        const cover = covers.get(`${party}\u0000${row.author}`)?.find((c) => c.seq >= row.seq);
        return recipientStatus(party, cover, mine, due, now);
      });
    out.push({
      id: row.id,
      channel,
      author: row.author,
      seq: row.seq,
      serial: row.serial,
      precedence: row.precedence as Precedence,
      subject: row.subject,
      language: row.language,
      time: row.time,
      dtg: dtg(row.time),
      targetMinutes: charter.handlingTargets[row.precedence as Precedence],
      due: new Date(due).toISOString(),
      overdue: recipients.some((r) => r.overdue),
      recipients,
    });
  }
  return out;
}

/** Per precedence, the time before which a message sent is past its handling target at `now`. */
function cutoffsAt(charter: Charter, now: number): Record<Precedence, string> {
  return Object.fromEntries(
    precedences.map((p) => [p, new Date(now - charter.handlingTargets[p] * 60_000).toISOString()]),
  ) as Record<Precedence, string>;
}

/**
 * Marks settled the channel's messages past their handling target at `now`
 * that every recipient answered, so that `overdue` reads them no more (the
 * handling check calls it before `overdue`). Returns how many it marked.
 */
export async function settle(store: Store, channel: string, now: number): Promise<number> {
  const { charter, members } = await activeChannel(store, channel);
  return settleAnswered(databaseOf(store), channel, cutoffsAt(charter, now), members);
}

/** Every message of the channel past its handling target at `now` that some recipient has not answered, oldest first. */
export async function overdue(store: Store, channel: string, now: number): Promise<OverdueMessage[]> {
  const { charter, members } = await activeChannel(store, channel);
  const db = databaseOf(store);
  const rows = await unansweredBefore(db, channel, cutoffsAt(charter, now), members);
  const answered = new Set<string>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const a of await answerRows(db, channel, ids)) answered.add(JSON.stringify([a.message_id, a.party]));
  }
  const holds = new Map<string, Record<string, number>>();
  for (const m of members) holds.set(m, await store.peerHeads(channel, m));
  return rows.map((row) => ({
    id: row.id,
    author: row.author,
    seq: row.seq,
    serial: row.serial,
    precedence: row.precedence as Precedence,
    subject: row.subject,
    time: row.time,
    dtg: dtg(row.time),
    due: new Date(dueOf(charter, row)).toISOString(),
    missing: members
      .filter((party) => party !== row.author && !answered.has(JSON.stringify([row.id, party])))
      .map((party) => ({ party, stored: (holds.get(party)?.[row.author] ?? 0) >= row.seq })),
  }));
}

function recipientStatus(
  party: string,
  cover: { time: string; entry_id: string; peer_seq: number } | undefined,
  answers: readonly AnswerRow[],
  due: number,
  now: number,
): RecipientStatus {
  const ack = answers.find((a) => a.party === party && a.kind === 'ack');
  const unread = answers.find((a) => a.party === party && a.kind === 'unread');
  const first = [ack, unread].filter((a) => a !== undefined).sort((a, b) => a.seq - b.seq)[0];
  return {
    party,
    state: ack ? 'read' : unread ? 'unread' : cover ? 'stored' : 'sent',
    stored: cover ? { at: cover.time, entry: cover.entry_id, seq: cover.peer_seq } : null,
    read: ack ? { at: ack.time, entry: ack.entry_id, by: ack.by_person } : null,
    unread: unread ? { at: unread.time, entry: unread.entry_id, reason: unread.reason, note: unread.note } : null,
    overdue: !first && now > due,
    late: first !== undefined && Date.parse(first.time) > due,
  };
}

function dueOf(charter: Charter, row: MessageRow): number {
  return Date.parse(row.time) + charter.handlingTargets[row.precedence as Precedence] * 60_000;
}

async function activeChannel(store: Store, channel: string) {
  return channelState(requireActive(await store.getChannel(channel), channel));
}

async function notAMessage(store: Store, channel: string, id: string): Promise<ParleyError> {
  const entry = await store.getEntryById(id);
  if (!entry || entry.channel !== channel) return new ParleyError('PARLEY_E_NOT_FOUND', { what: 'entry', id });
  return new ParleyError('PARLEY_E_USAGE', { reason: `entry ${id} is a ${entry.type}, not a message` });
}
