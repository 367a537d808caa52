import type { FeedHead } from '@parley/record';
import type { ParleyNode } from '../../node/node.js';

/** Our heads of a channel, as they travel: author → { seq, id }. */
export async function headsOf(node: ParleyNode, channel: string): Promise<Record<string, { seq: number; id: string }>> {
  return onWire(await node.store.heads(channel));
}

/** Heads as they travel: author → { seq, id }. */
export function onWire(heads: Record<string, FeedHead>): Record<string, { seq: number; id: string }> {
  return Object.fromEntries(Object.entries(heads).map(([author, h]) => [author, { seq: h.seq, id: h.id }]));
}
