import type { EntryHeader } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import type { StoreDialect } from './capabilities.js';
import { project, projectionTables } from './projections.js';
import { writeTransaction } from './write-transaction.js';

const batchSize = 500;

/**
 * Empties every projection and replays every stored entry into them, in
 * (channel, author, seq) order, in one transaction: readers see the old
 * projections or the new ones, never a half-built state.
 */
export function rebuildProjections(dialect: StoreDialect): Promise<number> {
  return writeTransaction(dialect, async (trx) => {
    for (const table of projectionTables) await trx.deleteFrom(table).execute();
    let count = 0;
    let after: [string, string, number] | undefined;
    for (;;) {
      const rows = await trx
        .selectFrom('entries')
        .select(['channel', 'author', 'seq', 'id', 'header', 'body'])
        .$if(after !== undefined, (q) =>
          q.where((eb) => eb(eb.refTuple('channel', 'author', 'seq'), '>', eb.tuple(...after!))),
        )
        .orderBy('channel')
        .orderBy('author')
        .orderBy('seq')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return count;
      await project(
        trx,
        rows.map((r) => ({
          id: r.id,
          header: JSON.parse(r.header) as EntryHeader,
          body: JSON.parse(r.body) as JsonValue,
        })),
      );
      count += rows.length;
      const last = rows[rows.length - 1]!;
      after = [last.channel, last.author, last.seq];
    }
  });
}
