import { type Bundle, ParleyError } from '@parley/contract';
import { buildBundle, type KeyTable, type SignedCharter, type SignedEntry } from '@parley/record';
import type { StoredEntryRow } from '../store/store.js';
import type { OpenNode } from './open-node.js';

export interface ExportOptions {
  channel: string;
  from?: string | undefined;
  to?: string | undefined;
  /** Entry types whose bodies to include; `all` for every body. Default: none (headers and signatures only). */
  disclose?: string[] | undefined;
}

/**
 * `parley export`: the channel's charter and signatures, the key history, the
 * entries in the time window (all feeds; headers and signatures always, bodies
 * where disclosed) and every checkpoint, verified before it is handed out.
 */
export async function exportChannel(open: OpenNode, options: ExportOptions): Promise<Bundle> {
  const { store } = open;
  const row = await store.getChannel(options.channel);
  if (row?.state !== 'active') throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel: options.channel });
  const charter = JSON.parse(row.charter) as SignedCharter['charter'];
  const keys: KeyTable = Object.fromEntries(
    charter.members.map((m) => [m.id, [{ key: m.key, fromSeq: 1, untilSeq: null }]]),
  );
  const entries: SignedEntry[] = [];
  let after: { author: string; seq: number } | undefined;
  for (;;) {
    const page = await store.scan(row.id, after, 2000);
    if (page.length === 0) break;
    for (const r of page) {
      if (r.type === 'key-rotate') rotate(keys, r);
      if ((options.from && r.time < options.from) || (options.to && r.time > options.to)) continue;
      entries.push({ header: JSON.parse(r.header), sig: r.sig, body: JSON.parse(r.body) });
    }
    after = { author: page[page.length - 1]!.author, seq: page[page.length - 1]!.seq };
  }
  const checkpoints: string[] = [];
  for (const member of charter.members) {
    for (const cp of await store.listCheckpoints(row.id, member.id)) checkpoints.push(cp.note);
  }
  const disclose = new Set(options.disclose ?? []);
  const { bundle } = buildBundle({
    channel: { id: row.id, charter, signatures: JSON.parse(row.signatures) },
    keys,
    entries,
    disclose: (e) => disclose.has('all') || disclose.has(e.header.type),
    checkpoints,
  });
  return bundle;
}

function rotate(keys: KeyTable, row: StoredEntryRow): void {
  const ranges = keys[row.author];
  const { newKey } = JSON.parse(row.body) as { newKey: string };
  const last = ranges?.[ranges.length - 1];
  if (!ranges || !last || last.untilSeq !== null) return;
  last.untilSeq = row.seq;
  ranges.push({ key: newKey, fromSeq: row.seq + 1, untilSeq: null });
}
