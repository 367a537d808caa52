import { type Charter, ParleyError } from '@parley/contract';
import { engagementTypes } from '../engagement/record-view.js';
import type { Store, StoredEntryRow } from '../store/store.js';
import {
  type EngagementMetrics,
  engagementMetrics,
  type MetricEntry,
  type MetricsQuery,
} from './engagement-metrics.js';

/** Types whose bodies metrics read; every other entry counts only by its header (time, heads). */
const bodied = new Set([...engagementTypes, 'link-check', 'link-check-answer']);

export function rowToMetricEntry(row: StoredEntryRow): MetricEntry {
  const header = JSON.parse(row.header) as { refs?: string[]; heads?: Record<string, { seq: number }> };
  const heads: Record<string, number> = {};
  for (const [party, head] of Object.entries(header.heads ?? {})) heads[party] = head.seq;
  return {
    id: row.id,
    author: row.author,
    seq: row.seq,
    type: row.type,
    time: row.time,
    refs: header.refs ?? [],
    heads,
    ...(bodied.has(row.type) ? { body: JSON.parse(row.body) as unknown } : {}),
  };
}

/** Every entry of a channel held here, as metrics read them. */
export async function loadMetricEntries(store: Store, channel: string): Promise<MetricEntry[]> {
  const out: MetricEntry[] = [];
  let after: { author: string; seq: number } | undefined;
  for (;;) {
    const page = await store.scan(channel, after, 2000);
    if (page.length === 0) break;
    for (const row of page) out.push(rowToMetricEntry(row));
    const last = page[page.length - 1]!;
    after = { author: last.author, seq: last.seq };
  }
  return out;
}

/** The metrics of one active channel as this node holds its record. */
export async function channelMetrics(
  store: Store,
  channel: string,
  query: MetricsQuery,
): Promise<EngagementMetrics & { channel: string }> {
  const row = await store.getChannel(channel);
  if (row?.state !== 'active') throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel });
  const charter = JSON.parse(row.charter) as Charter;
  return { channel, ...engagementMetrics(charter, await loadMetricEntries(store, channel), query) };
}
