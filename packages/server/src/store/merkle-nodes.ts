import { compactRangeNodes, type MerkleNode, MerkleTree, type NodeId } from '@parley/record';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { deferred } from './dialects/deferred-writes.js';
import { chunks } from './entry-rows.js';
import { GROUP_ROWS, Prepared } from './prepared.js';

/** The key of a node in the map {@link loadNodes} returns: `"level/index"`, as readerFromNodes uses. */
export function merkleNodeKey(level: number, index: number): string {
  return `${level}/${index}`;
}

/** Loads the named perfect-subtree hashes of one feed's tree; nodes not stored are absent. */
export async function loadNodes(
  db: Kysely<Database>,
  channel: string,
  author: string,
  ids: readonly NodeId[],
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  for (const batch of chunks(ids, 100)) {
    // One primary-key lookup per node, whatever the planner estimates. Two
    // list forms each scanned all of the feed's nodes on one database: an OR
    // of `level = ? and idx = ?` terms on SQLite (37 ms at 200k leaves), and
    // `(level, idx) in (values …)` on PostgreSQL whenever its statistics
    // predated the feed (46 ms at 60k nodes, for every cosigned checkpoint
    // of a catch-up).
    const { rows } = await nodeLookups(channel, author, batch).execute(db);
    for (const row of rows) found.set(merkleNodeKey(row.level, row.idx), new Uint8Array(row.hash));
  }
  return found;
}

/** The query of loadNodes: one primary-key lookup per node, joined by UNION ALL. */
export function nodeLookups(channel: string, author: string, ids: readonly NodeId[]) {
  const lookups = ids.map(
    ({ level, index }) =>
      sql`select level, idx, hash from merkle_nodes where channel = ${channel} and author = ${author} and level = ${level} and idx = ${index}`,
  );
  return sql<{ level: number; idx: number; hash: Uint8Array }>`${sql.join(lookups, sql` union all `)}`;
}

/**
 * Compact ranges of feed trees by the id of the feed's head entry. The id
 * commits to the whole feed before it (each entry names its predecessor), so
 * the range is a function of the id alone: never stale, whatever database,
 * process or rolled-back transaction wrote it. Saves reading the nodes on
 * the next append to the same feed.
 */
const frontiers = new Map<string, { size: number; range: Uint8Array[] }>();
const FRONTIERS_KEPT = 1024;

/** Remembers `tree` as the tree of the feed whose head entry is `headId`. */
export function keepFrontier(headId: string, tree: MerkleTree): void {
  frontiers.delete(headId);
  if (frontiers.size >= FRONTIERS_KEPT) frontiers.delete(frontiers.keys().next().value!);
  frontiers.set(headId, { size: tree.size, range: tree.compactRange });
}

/**
 * Resumes a feed's tree from its size and the O(log n) compact-range nodes;
 * from memory when `headId` (the id of the feed's entry `size`) was kept.
 */
export async function loadTree(
  db: Kysely<Database>,
  channel: string,
  author: string,
  size: number,
  headId?: string | null,
): Promise<MerkleTree> {
  const kept = headId ? frontiers.get(headId) : undefined;
  if (kept?.size === size) return new MerkleTree(size, kept.range);
  const nodes = await loadNodes(db, channel, author, compactRangeNodes(size));
  return MerkleTree.fromReader(size, (level, index) => {
    const hash = nodes.get(merkleNodeKey(level, index));
    if (!hash) throw new Error(`Merkle node (${level}, ${index}) of ${author} in ${channel} is missing from the store`);
    return hash;
  });
}

export async function insertNodes(
  db: Kysely<Database>,
  channel: string,
  author: string,
  nodes: readonly MerkleNode[],
): Promise<void> {
  // Chunks of the prepared statement's largest template: a group commit of 64 entries adds about 128
  // nodes, and a larger statement would be built and compiled afresh on every commit.
  for (const batch of chunks(nodes, GROUP_ROWS)) {
    await insertNodeRows.execute(
      db,
      batch.map(({ level, index, hash }) => ({ channel, author, level, idx: index, hash: Buffer.from(hash) })),
    );
  }
}

const insertNodeRows = new Prepared(
  (db, rows: readonly { channel: string; author: string; level: number; idx: number; hash: Buffer }[]) =>
    deferred(
      db
        .insertInto('merkle_nodes')
        .values(rows.map((r) => ({ channel: r.channel, author: r.author, level: r.level, idx: r.idx, hash: r.hash }))),
    ),
  GROUP_ROWS,
);
