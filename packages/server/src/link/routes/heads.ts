import type { ParleyNode } from '../../node/node.js';

/** Our heads of a channel, as they travel: author → { seq, id }. */
export async function headsOf(node: ParleyNode, channel: string): Promise<Record<string, { seq: number; id: string }>> {
  const heads = await node.store.heads(channel);
  return Object.fromEntries(Object.entries(heads).map(([author, h]) => [author, { seq: h.seq, id: h.id }]));
}
