import { type Charter, ParleyError } from '@parley/contract';
import { sql } from 'kysely';
import type { ParleyNode } from '../node/node.js';
import type { Compose } from './compose.js';
import type { Draft } from './drafts.js';
import { type GlossaryMark, markGlossary } from './glossary.js';
import { databaseOf } from './hotline-db.js';
import { type MessageStatus, messageStatus, messageStatuses } from './message-status.js';
import { type Person, requirePermission } from './person.js';
import { needsSecondPerson } from './release.js';
import { requireMessage } from './send-message.js';

// What consoles show of the hotline: channels, messages with their status, translations.

export function channelSummary(row: { id: string; charter: string; state: 'proposed' | 'active'; createdAt: string }) {
  const charter = JSON.parse(row.charter) as Charter;
  return {
    id: row.id,
    name: charter.name,
    state: row.state,
    members: charter.members.map((m) => ({ id: m.id, names: m.names })),
    languages: charter.languages,
    markings: charter.markings,
    handlingTargets: charter.handlingTargets,
    twoPersonRelease: charter.twoPersonRelease,
    glossary: charter.glossary,
    createdAt: row.createdAt,
  };
}

/** Every channel this node holds, proposed and active, oldest first. */
export async function listChannels(node: ParleyNode) {
  const rows = await node.store.listChannels();
  return rows.map(channelSummary).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

interface MessageBody extends Compose {
  serial: number;
  release: { drafter: string; releaser?: string; emergency: boolean };
}

function view(node: ParleyNode, charter: Charter, body: MessageBody, status: MessageStatus, now: number) {
  const due = Date.parse(status.due);
  return {
    id: status.id,
    channel: status.channel,
    author: status.author,
    own: status.author === node.party,
    seq: status.seq,
    serial: status.serial,
    precedence: status.precedence,
    subject: body.subject,
    text: body.text,
    language: body.language,
    marking: body.marking,
    time: status.time,
    dtg: status.dtg,
    ...(body.replyTo !== undefined ? { replyTo: body.replyTo } : {}),
    attachments: body.attachments,
    ...(body.translation !== undefined ? { translation: body.translation } : {}),
    release: body.release,
    targetMinutes: status.targetMinutes,
    due: status.due,
    dueInSeconds: dueInSeconds(due, now),
    overdue: status.overdue,
    recipients: status.recipients,
    glossary: {
      subject: markGlossary(charter.glossary, body.subject),
      text: markGlossary(charter.glossary, body.text),
    },
  };
}

export type MessageView = ReturnType<typeof view>;

/** A page cursor: the last message's time, author and seq. */
const cursorOf = (m: { time: string; author: string; seq: number }) => `${m.time}~${m.author}~${m.seq}`;

/**
 * The channel's messages, newest first, `limit` a page, each with its status
 * at every recipient (stored, read, unread), handling target countdown,
 * overdue flag and glossary marks. `before` is a previous page's `next`.
 */
export async function listMessages(
  node: ParleyNode,
  channel: string,
  page: { limit: number; before?: string | undefined },
): Promise<{ messages: MessageView[]; next: string | null }> {
  const { charter } = await node.channel(channel);
  const db = databaseOf(node.store);
  let q = db
    .selectFrom('messages as m')
    .innerJoin('entries as e', (j) =>
      j.onRef('e.channel', '=', 'm.channel').onRef('e.author', '=', 'm.author').onRef('e.seq', '=', 'm.seq'),
    )
    .select(['m.id', 'm.time', 'm.author', 'm.seq', 'e.body'])
    .where('m.channel', '=', channel);
  if (page.before !== undefined) {
    const [time, author, seq] = page.before.split('~') as [string, string, string];
    q = q.where(
      sql<boolean>`(m.time < ${time} or (m.time = ${time} and (m.author > ${author} or (m.author = ${author} and m.seq < ${Number(seq)}))))`,
    );
  }
  const rows = await q
    .orderBy('m.time', 'desc')
    .orderBy('m.author', 'asc')
    .orderBy('m.seq', 'desc')
    .limit(page.limit + 1)
    .execute();
  const now = node.clock.now();
  const shown = rows.slice(0, page.limit);
  const statuses = await messageStatuses(
    node.store,
    channel,
    shown.map((r) => r.id),
    now,
  );
  const messages = shown.map((row, i) => view(node, charter, JSON.parse(row.body) as MessageBody, statuses[i]!, now));
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { messages, next: last ? cursorOf(last) : null };
}

export interface TranslationView {
  id: string;
  kind: 'official' | 'working';
  language: string;
  text: string;
  by: string;
  at: string;
  glossary: GlossaryMark[];
}

/** One message with its status and every translation: official ones (entries) and this node's working ones. */
export async function messageDetail(node: ParleyNode, channel: string, id: string) {
  const { charter } = await node.channel(channel);
  const row = await requireMessage(node, channel, id);
  const now = node.clock.now();
  const status = await messageStatus(node.store, channel, id, now);
  return {
    ...view(node, charter, JSON.parse(row.body) as MessageBody, status, now),
    translations: await translationsOf(node, charter, channel, id),
  };
}

async function translationsOf(node: ParleyNode, charter: Charter, channel: string, id: string) {
  const db = databaseOf(node.store);
  const official = await db
    .selectFrom('entry_refs as r')
    .innerJoin('entries as e', (j) => j.onRef('e.channel', '=', 'r.channel').onRef('e.id', '=', 'r.from_id'))
    .select(['e.id', 'e.author', 'e.time', 'e.body'])
    .where('r.channel', '=', channel)
    .where('r.to_id', '=', id)
    .where('e.type', '=', 'translation')
    .orderBy('e.time')
    .orderBy('e.seq')
    .execute();
  const working = await db
    .selectFrom('working_translations')
    .selectAll()
    .where('channel', '=', channel)
    .where('message_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const marks = (text: string) => markGlossary(charter.glossary, text);
  const out: TranslationView[] = official.map((e) => {
    const body = JSON.parse(e.body) as { language: string; text: string };
    return {
      id: e.id,
      kind: 'official',
      language: body.language,
      text: body.text,
      by: e.author,
      at: e.time,
      glossary: marks(body.text),
    };
  });
  for (const w of working)
    out.push({
      id: String(w.id),
      kind: 'working',
      language: w.language,
      text: w.text,
      by: w.by,
      at: w.at,
      glossary: marks(w.text),
    });
  return out;
}

function requireOtherLanguage(body: { language: string }, language: string, id: string): void {
  if (body.language === language)
    throw new ParleyError('PARLEY_E_USAGE', { reason: `message ${id} is already in ${language}` });
}

/**
 * The sender's official translation of its own message: a `translation`
 * entry referring to it, sent to the peers like any entry.
 */
export async function addOfficialTranslation(
  node: ParleyNode,
  channel: string,
  id: string,
  by: Person,
  translation: { language: string; text: string },
) {
  requirePermission(by, 'messages.draft', 'send an official translation');
  const row = await requireMessage(node, channel, id);
  if (row.author !== node.party)
    throw new ParleyError('PARLEY_E_USAGE', {
      reason: `${id} is ${row.author}'s message: only its sender adds an official translation (add a working translation instead)`,
    });
  const body = JSON.parse(row.body) as MessageBody;
  // Text sent afterwards would bypass the second person who released the message.
  const { charter } = await node.channel(channel);
  if (needsSecondPerson(charter, body.precedence))
    throw new ParleyError('PARLEY_E_FORBIDDEN', {
      reason: `${id} is a ${body.precedence} message, under two-person release (charter): its official translation is sent with it (the message's \`translation\`), released by the same two people`,
    });
  requireOtherLanguage(body, translation.language, id);
  const { id: entry, entry: signed } = await node.append(channel, {
    type: 'translation',
    body: { message: id, language: translation.language, text: translation.text, official: true },
    refs: [id],
  });
  return { id: entry, seq: signed.header.seq, time: signed.header.time };
}

/**
 * A receiver's working translation: kept on this node for its own people,
 * never written to the record nor sent.
 */
export async function addWorkingTranslation(
  node: ParleyNode,
  channel: string,
  id: string,
  by: Person,
  translation: { language: string; text: string },
) {
  requirePermission(by, 'translations.work', 'add a working translation');
  const row = await requireMessage(node, channel, id);
  if (row.author === node.party)
    throw new ParleyError('PARLEY_E_USAGE', {
      reason: `${id} is this party's own message: working translations are of received messages (add an official translation instead)`,
    });
  requireOtherLanguage(JSON.parse(row.body) as MessageBody, translation.language, id);
  const at = node.now();
  const inserted = await databaseOf(node.store)
    .insertInto('working_translations')
    .values({ channel, message_id: id, language: translation.language, text: translation.text, by: by.user, at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: String(inserted.id), at };
}

/** A draft as consoles show it. */
export function draftView(d: Draft) {
  const { precedence, subject, text, language, marking, replyTo } = d.body;
  return {
    id: d.id,
    channel: d.channel,
    drafter: d.drafter,
    createdAt: d.createdAt,
    state: d.state,
    releasedBy: d.releasedBy,
    releasedAt: d.releasedAt,
    entry: d.entryId,
    emergency: d.emergency,
    message: { precedence, subject, text, language, marking, ...(replyTo !== undefined ? { replyTo } : {}) },
  };
}

/**
 * The countdown to a handling target in whole seconds, rounded down: 0 up to
 * and exactly at the due time (not overdue: a message is overdue only once
 * `now` is past it), negative from the first millisecond after, so the sign
 * always agrees with the `overdue` flag.
 */
export function dueInSeconds(due: number, now: number): number {
  return Math.floor((due - now) / 1000) || 0;
}

/** How long an overdue message is past due, in whole seconds rounded up: at least 1 once overdue. */
export function overdueSeconds(due: string, now: number): number {
  return Math.max(0, Math.ceil((now - Date.parse(due)) / 1000));
}
