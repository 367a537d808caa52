import { ParleyError } from '@parley/contract';
import { canonicalize, entryId, type ForkProof, type JsonValue } from '@parley/record';
import type { Kysely, Selectable } from 'kysely';
import type { AlarmsTable, Database } from './database.js';
import { Prepared } from './prepared.js';
import type { AlarmRow, ChannelRow, CheckpointRow, ForkRow, PeerRow } from './store.js';

// Peers, channels, checkpoints, forks and alarms: kept beside the record, not derived from it.

export async function putPeer(db: Kysely<Database>, p: PeerRow): Promise<void> {
  const row = { party: p.party, card: p.card, fingerprint: p.fingerprint, added_at: p.addedAt };
  await db
    .insertInto('peers')
    .values(row)
    .onConflict((oc) =>
      oc.column('party').doUpdateSet({ card: row.card, fingerprint: row.fingerprint, added_at: row.added_at }),
    )
    .execute();
}

export async function getPeers(db: Kysely<Database>, party?: string): Promise<PeerRow[]> {
  const rows = await db
    .selectFrom('peers')
    .selectAll()
    .$if(party !== undefined, (q) => q.where('party', '=', party!))
    .orderBy('party')
    .execute();
  return rows.map((r) => ({ party: r.party, card: r.card, fingerprint: r.fingerprint, addedAt: r.added_at }));
}

export async function putChannel(db: Kysely<Database>, c: ChannelRow): Promise<void> {
  const row = { id: c.id, charter: c.charter, signatures: c.signatures, state: c.state, created_at: c.createdAt };
  const { id: _id, ...rest } = row;
  await db
    .insertInto('channels')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(rest))
    .execute();
}

const allChannels = new Prepared((db) => db.selectFrom('channels').selectAll().orderBy('id'));
const oneChannel = new Prepared((db, [p]: readonly { id: string }[]) =>
  db.selectFrom('channels').selectAll().where('id', '=', p!.id),
);

export async function getChannels(db: Kysely<Database>, id?: string): Promise<ChannelRow[]> {
  // Read on every push and every console request: prepared once (prepared.ts).
  const rows = id === undefined ? await allChannels.execute(db, [{}]) : await oneChannel.execute(db, [{ id }]);
  return rows.map((r) => ({
    id: r.id,
    charter: r.charter,
    signatures: r.signatures,
    state: r.state,
    createdAt: r.created_at,
  }));
}

/** A newer note of the same tree head replaces the old one; a different root at the same size is equivocation. */
export async function putCheckpoint(db: Kysely<Database>, c: CheckpointRow): Promise<void> {
  const { numInsertedOrUpdatedRows } = await db
    .insertInto('checkpoints')
    .values({ channel: c.channel, author: c.author, size: c.size, root: c.root, note: c.note, created_at: c.createdAt })
    .onConflict((oc) =>
      oc
        .columns(['channel', 'author', 'size'])
        .doUpdateSet((eb) => ({ note: eb.ref('excluded.note') }))
        .where((eb) => eb('excluded.root', '=', eb.ref('checkpoints.root'))),
    )
    .executeTakeFirst();
  if (numInsertedOrUpdatedRows === 0n) {
    throw new ParleyError('PARLEY_E_EQUIVOCATION', { origin: `parley/${c.channel}/${c.author}`, size: c.size });
  }
}

export async function getCheckpoints(
  db: Kysely<Database>,
  channel: string,
  author: string,
  latest = false,
  size?: number,
): Promise<CheckpointRow[]> {
  const rows = await db
    .selectFrom('checkpoints')
    .selectAll()
    .where('channel', '=', channel)
    .where('author', '=', author)
    .$if(size !== undefined, (q) => q.where('size', '=', size!))
    .orderBy('size', latest ? 'desc' : 'asc')
    .$if(latest, (q) => q.limit(1))
    .execute();
  return rows.map(({ created_at, ...r }) => ({ ...r, createdAt: created_at }));
}

/** Idempotent: the same pair of conflicting entries is kept once, whoever sends it again. */
export async function putFork(db: Kysely<Database>, f: ForkRow): Promise<void> {
  const ids = f.proof.entries.map((e) => entryId(e.header)).sort();
  await db
    .insertInto('forks')
    .values({
      channel: f.channel,
      author: f.author,
      seq: f.seq,
      ids: ids.join(','),
      proof: canonicalize(f.proof as unknown as JsonValue),
      detected_at: f.detectedAt,
      from_peer: f.from,
    })
    .onConflict((oc) => oc.columns(['channel', 'author', 'seq', 'ids']).doNothing())
    .execute();
}

export async function listForks(db: Kysely<Database>, channel?: string): Promise<ForkRow[]> {
  const rows = await db
    .selectFrom('forks')
    .selectAll()
    .$if(channel !== undefined, (q) => q.where('channel', '=', channel!))
    .orderBy('channel')
    .orderBy('author')
    .orderBy('seq')
    .orderBy('ids')
    .execute();
  return rows.map((r) => ({
    channel: r.channel,
    author: r.author,
    seq: r.seq,
    proof: JSON.parse(r.proof) as ForkProof,
    detectedAt: r.detected_at,
    from: r.from_peer,
  }));
}

export async function raiseAlarm(db: Kysely<Database>, a: Omit<AlarmRow, 'id' | 'clearedAt'>): Promise<number> {
  const row = await db
    .insertInto('alarms')
    .values({ kind: a.kind, channel: a.channel, message: a.message, details: a.details, raised_at: a.raisedAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function clearAlarm(db: Kysely<Database>, id: number, at: string): Promise<void> {
  await db.updateTable('alarms').set({ cleared_at: at }).where('id', '=', id).where('cleared_at', 'is', null).execute();
}

export async function openAlarms(db: Kysely<Database>): Promise<AlarmRow[]> {
  const rows = await db.selectFrom('alarms').selectAll().where('cleared_at', 'is', null).orderBy('id').execute();
  return rows.map(toAlarm);
}

function toAlarm(r: Selectable<AlarmsTable>): AlarmRow {
  const { raised_at, cleared_at, ...rest } = r;
  return { ...rest, id: Number(r.id), raisedAt: raised_at, clearedAt: cleared_at };
}
