import type { OpContext } from './operations.js';

/** What `parley status` shows: channels and heads, links and their state, alarms, forks. */
export async function statusOf({ open, link }: OpContext) {
  const { store } = open;
  const channels = [];
  for (const row of await store.listChannels()) {
    const charter = JSON.parse(row.charter) as { name: string; members: Array<{ id: string }> };
    const heads = row.state === 'active' ? await store.heads(row.id) : {};
    channels.push({
      id: row.id,
      name: charter.name,
      state: row.state,
      members: charter.members.map((m) => m.id),
      signed: (JSON.parse(row.signatures) as Array<{ party: string }>).map((s) => s.party),
      heads: Object.fromEntries(Object.entries(heads).map(([a, h]) => [a, h.seq])),
    });
  }
  const peers = [];
  for (const peer of await store.listPeers()) {
    const live = link?.links.get(peer.party);
    const lag: Record<string, number> = {};
    for (const ch of channels) {
      if (ch.state !== 'active' || !ch.members.includes(peer.party)) continue;
      const theirs = await store.peerHeads(ch.id, peer.party);
      lag[ch.id] = Object.entries(ch.heads)
        .filter(([author]) => author !== peer.party)
        .reduce((n, [author, seq]) => n + Math.max(0, seq - (theirs[author] ?? 0)), 0);
    }
    peers.push({
      party: peer.party,
      fingerprint: peer.fingerprint,
      link: live
        ? { state: live.state, endpoint: live.activeEndpoint, endpoints: live.endpoints, refusing: live.refusing }
        : null,
      unacknowledged: lag,
    });
  }
  const alarms = await store.openAlarms();
  const forks = await store.listForks();
  return { party: open.config.party, serving: link !== undefined, channels, peers, alarms, forks: forks.length };
}
