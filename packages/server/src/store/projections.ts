import type { EntryHeader } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import type { Insertable, Kysely } from 'kysely';
import { attachmentProjectionTables, projectAttachments } from './attachment-projection.js';
import type { Database, MessagesTable } from './database.js';
import { deferred } from './dialects/deferred-writes.js';
import { chunks } from './entry-rows.js';
import { hotlineProjectionTables, projectHotline } from './hotline-projection.js';
import { GROUP_ROWS, Prepared } from './prepared.js';

/** What the projections read of an entry. */
export interface ProjectedEntry {
  id: string;
  header: EntryHeader;
  body: JsonValue;
}

/** The tables rebuilt from the record; nothing else reads or writes them but this module. */
export const projectionTables = [
  'peer_heads',
  'entry_refs',
  'messages',
  ...hotlineProjectionTables,
  ...attachmentProjectionTables,
] as const;

/**
 * Projects entries (any channels, any order) into peer_heads, entry_refs,
 * messages and the hotline's tables (hotline-projection.ts). Every update is
 * idempotent and order-independent (peer heads only grow), so a replay gives
 * the same rows as the appends did, even when an append in another process
 * commits while a rebuild runs.
 */
export async function project(db: Kysely<Database>, entries: readonly ProjectedEntry[]): Promise<void> {
  await upsertPeerHeads(db, entries);
  const refs = entries.flatMap(({ id, header }) =>
    [...new Set(header.refs)].map((to) => ({ channel: header.channel, from_id: id, to_id: to })),
  );
  for (const batch of chunks(refs)) await insertRefs.execute(db, batch);
  const messages = entries.flatMap((e) => messageRow(e) ?? []);
  for (const batch of chunks(messages)) await insertMessages.execute(db, batch);
  await projectHotline(db, entries);
  await projectAttachments(db, entries);
}

/** An entry by `peer` proves what it holds: its own feed up to its seq, and each feed named in its heads. */
async function upsertPeerHeads(db: Kysely<Database>, entries: readonly ProjectedEntry[]): Promise<void> {
  const newest = new Map<string, { channel: string; peer: string; author: string; seq: number }>();
  const see = (channel: string, peer: string, author: string, seq: number) => {
    const key = JSON.stringify([channel, peer, author]);
    if ((newest.get(key)?.seq ?? 0) < seq) newest.set(key, { channel, peer, author, seq });
  };
  for (const { header } of entries) {
    see(header.channel, header.author, header.author, header.seq);
    for (const [author, head] of Object.entries(header.heads)) see(header.channel, header.author, author, head.seq);
  }
  // One row per key per statement: PostgreSQL refuses an upsert that touches a row twice.
  for (const batch of chunks([...newest.values()])) await upsertHeads.execute(db, batch);
}

type PeerHeadRow = { channel: string; peer: string; author: string; seq: number };

const upsertHeads = new Prepared(
  (db, rows: readonly PeerHeadRow[]) =>
    deferred(
      db
        .insertInto('peer_heads')
        .values(rows.map((r) => ({ channel: r.channel, peer: r.peer, author: r.author, seq: r.seq })))
        .onConflict((oc) =>
          oc
            .columns(['channel', 'peer', 'author'])
            .doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq') }))
            .where((eb) => eb('excluded.seq', '>', eb.ref('peer_heads.seq'))),
        ),
    ),
  8,
);

type RefRow = { channel: string; from_id: string; to_id: string };

const insertRefs = new Prepared(
  (db, rows: readonly RefRow[]) =>
    deferred(
      db
        .insertInto('entry_refs')
        .values(rows.map((r) => ({ channel: r.channel, from_id: r.from_id, to_id: r.to_id })))
        .onConflict((oc) => oc.columns(['channel', 'to_id', 'from_id']).doNothing()),
    ),
  8,
);

type MessageRow = Required<Omit<Insertable<MessagesTable>, 'settled'>>;

const insertMessages = new Prepared(
  (db, rows: readonly MessageRow[]) =>
    deferred(
      db
        .insertInto('messages')
        .values(
          rows.map((r) => ({
            channel: r.channel,
            author: r.author,
            seq: r.seq,
            id: r.id,
            time: r.time,
            precedence: r.precedence,
            subject: r.subject,
            serial: r.serial,
            language: r.language,
          })),
        )
        .onConflict((oc) => oc.columns(['channel', 'author', 'seq']).doNothing()),
    ),
  GROUP_ROWS,
);

function messageRow({ id, header, body }: ProjectedEntry): MessageRow | undefined {
  if (header.type !== 'message' || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { precedence, subject, serial, language } = body;
  if (typeof precedence !== 'string' || typeof subject !== 'string') return undefined;
  if (typeof serial !== 'number' || typeof language !== 'string') return undefined;
  const { channel, author, seq, time } = header;
  return { channel, author, seq, id, time, precedence, subject, serial, language };
}
