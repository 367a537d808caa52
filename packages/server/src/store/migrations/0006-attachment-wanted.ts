import { type Kysely, type Migration, sql } from 'kysely';

/**
 * `attachment_wanted` — the blobs an entry names that this node does not
 * hold: what the blob fetcher has left to do. It looked for that by reading
 * every attachment an entry ever named against the blobs held, every two
 * seconds: with 100,000 attachments held, 0.2 s of CPU each time, most of an
 * idle node's work. Now it reads this table, which holds only what is
 * missing. A projection like `attachment_refs` (rebuilt with it); filled here
 * from what the store holds already.
 */
export function attachmentWanted(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('attachment_wanted')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .execute();
      await sql`insert into attachment_wanted (sha256)
        select distinct r.sha256 from attachment_refs r
        where not exists (select 1 from attachments a where a.sha256 = r.sha256)`.execute(db);
    },
  };
}
