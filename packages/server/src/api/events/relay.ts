import type { LinkService } from '../../link/service.js';
import type { AppendedEvent, LinkEvent } from '../../node/events.js';
import type { ParleyNode } from '../../node/node.js';

const relayed = new WeakSet<ParleyNode>();

/**
 * Derives the per-entry events (`entry`, `receipt`, `ack`) from the node's
 * `appended` events, from the rows they carry (or, when they carry none,
 * reading the appended range from the store once). Idempotent
 * per node. Events of one feed keep their order (one chain per node).
 */
export function relayEntries(node: ParleyNode): void {
  if (relayed.has(node)) return;
  relayed.add(node);
  // Every console stream adds listeners; do not warn at the default ten.
  node.events.setMaxListeners(0);
  let chain = Promise.resolve();
  node.events.on('appended', (e) => {
    // Our own entries (but receipts answering a push, already a turn late) are
    // read for the consoles a turn later: the answer to their submission and
    // the link's push go out first.
    const turn = e.own && !e.answering ? nextTurn : undefined;
    chain = chain
      .then(turn)
      .then(() => emitEntries(node, e))
      .catch(() => {});
  });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function emitEntries(node: ParleyNode, e: AppendedEvent): Promise<void> {
  // Nobody listening (no console stream open): nothing to read the entries for.
  const { events } = node;
  if (events.listenerCount('entry') + events.listenerCount('receipt') + events.listenerCount('ack') === 0) return;
  // The writer's rows when it handed them over (decision 0023), else read back.
  const count = e.toSeq - e.fromSeq + 1;
  const rows = e.rows?.length === count ? e.rows : await node.store.range(e.channel, e.author, e.fromSeq, count);
  for (const row of rows) {
    const base = { channel: row.channel, author: row.author, seq: row.seq, id: row.id, own: e.own, time: row.time };
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const precedence = row.type === 'message' && typeof body.precedence === 'string' ? body.precedence : undefined;
    node.events.emit('entry', { ...base, type: row.type, ...(precedence ? { precedence } : {}) });
    if (row.type === 'receipt') {
      const header = JSON.parse(row.header) as { heads: Record<string, { seq: number }> };
      const heads = Object.fromEntries(Object.entries(header.heads).map(([party, h]) => [party, h.seq]));
      node.events.emit('receipt', { ...base, heads });
    } else if (row.type === 'message-ack' || row.type === 'message-unread') {
      const ack = row.type === 'message-ack';
      node.events.emit('ack', {
        channel: row.channel,
        message: String(body.message),
        party: row.author,
        kind: ack ? 'ack' : 'unread',
        ...(ack && typeof body.by === 'string' ? { by: body.by } : {}),
        ...(!ack && typeof body.reason === 'string' ? { reason: body.reason } : {}),
        id: row.id,
        seq: row.seq,
        own: e.own,
        time: row.time,
      });
    }
  }
}

/**
 * Emits a `link` event whenever a peer link's state changes, by looking at the
 * link service every `everyMs` (the link itself keeps no listeners). Returns
 * the stop function.
 */
/** Each peer link's state now, as `link` events. */
export function linkStates(link: LinkService): LinkEvent[] {
  return [...link.links].map(([peer, l]) => linkEvent(peer, l));
}

function linkEvent(peer: string, l: { state: string; endpoints: Array<{ state: string; rttMs: number | null }> }) {
  const rtt = l.endpoints.find((ep) => ep.state === l.state)?.rttMs;
  return { peer, state: l.state, ...(typeof rtt === 'number' ? { rttMs: rtt } : {}) };
}

export function watchLinks(node: ParleyNode, link: LinkService, everyMs = 500): () => void {
  const last = new Map<string, string>();
  const look = () => {
    for (const [peer, l] of link.links) {
      const state = l.state;
      if (last.get(peer) === state) continue;
      last.set(peer, state);
      node.events.emit('link', linkEvent(peer, l));
    }
  };
  look();
  const timer = setInterval(look, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
