import type { Kysely, Selectable } from 'kysely';
import type { Database, DraftsTable } from '../store/database.js';
import type { Compose } from './compose.js';

/** pending → releasing (claimed by one releaser, its message being written) → released. */
export type DraftState = 'pending' | 'releasing' | 'released';

/** A message waiting for a second person (two-person release), kept on this node only. */
export interface Draft {
  id: string;
  channel: string;
  drafter: string;
  createdAt: string;
  body: Compose;
  state: DraftState;
  releasedBy: string | null;
  releasedAt: string | null;
  /** The message entry once released. */
  entryId: string | null;
  emergency: boolean;
}

type Db = Kysely<Database>;

function toDraft(row: Selectable<DraftsTable>): Draft {
  return {
    id: row.id,
    channel: row.channel,
    drafter: row.drafter,
    createdAt: row.created_at,
    body: JSON.parse(row.body) as Compose,
    state: row.state as DraftState,
    releasedBy: row.released_by,
    releasedAt: row.released_at,
    entryId: row.entry_id,
    emergency: row.emergency === 1,
  };
}

export async function insertDraft(db: Db, d: Pick<Draft, 'id' | 'channel' | 'drafter' | 'createdAt' | 'body'>) {
  await db
    .insertInto('drafts')
    .values({
      id: d.id,
      channel: d.channel,
      drafter: d.drafter,
      created_at: d.createdAt,
      body: JSON.stringify(d.body),
      state: 'pending',
      emergency: 0,
    })
    .execute();
}

export async function getDraft(db: Db, id: string): Promise<Draft | undefined> {
  const row = await db.selectFrom('drafts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDraft(row);
}

/** Drafts of a channel (or every channel) in a state, oldest first: the release queue. */
export async function listDrafts(db: Db, filter: { channel?: string; state?: DraftState } = {}): Promise<Draft[]> {
  return (await pageDrafts(db, filter)).drafts;
}

/** The page cursor of a draft: its creation time and id (the list's order). */
const draftCursor = (d: Draft) => `${d.createdAt}~${d.id}`;

/**
 * listDrafts a page at a time: `limit` drafts after the cursor `after` (a
 * previous page's `next`), and the cursor of the next page or null.
 */
export async function pageDrafts(
  db: Db,
  filter: { channel?: string; state?: DraftState; limit?: number; after?: string } = {},
): Promise<{ drafts: Draft[]; next: string | null }> {
  const [afterTime, afterId] = filter.after?.split('~') ?? [];
  const rows = await db
    .selectFrom('drafts')
    .selectAll()
    .$if(filter.channel !== undefined, (q) => q.where('channel', '=', filter.channel!))
    .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
    .$if(afterTime !== undefined && afterId !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('created_at', '>', afterTime!),
          eb.and([eb('created_at', '=', afterTime!), eb('id', '>', afterId!)]),
        ]),
      ),
    )
    .orderBy('created_at')
    .orderBy('id')
    .$if(filter.limit !== undefined, (q) => q.limit(filter.limit! + 1))
    .execute();
  const drafts = rows.map(toDraft);
  if (filter.limit === undefined || drafts.length <= filter.limit) return { drafts, next: null };
  const page = drafts.slice(0, filter.limit);
  return { drafts: page, next: draftCursor(page.at(-1)!) };
}

/** pending → releasing, atomically: true for exactly one of several racing releasers. */
export async function claimDraft(db: Db, id: string, by: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('drafts')
    .set({ state: 'releasing', released_by: by, released_at: at })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** releasing → pending, when writing the message failed. */
export async function unclaimDraft(db: Db, id: string): Promise<void> {
  await db
    .updateTable('drafts')
    .set({ state: 'pending', released_by: null, released_at: null })
    .where('id', '=', id)
    .where('state', '=', 'releasing')
    .execute();
}

/** releasing → released, with the message entry that carries it. */
export async function finishDraft(db: Db, id: string, entryId: string, emergency: boolean): Promise<void> {
  await db
    .updateTable('drafts')
    .set({ state: 'released', entry_id: entryId, emergency: emergency ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}
