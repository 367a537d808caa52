/**
 * The links board: each pinned peer, the state of its link (per endpoint: state,
 * round trip, clock offset, last contact, failures) and what it still has to
 * acknowledge, as `parley status` shows it. Technical liveness only: political
 * silence is in the metrics (days since contact per level) and the link checks.
 */
import { fields } from '@parley/contract';
import { z } from 'zod';
import type { LinkService } from '../../link/service.js';
import type { OpContext } from '../../runtime/operations.js';
import { defineRoute, type RouteDef } from '../define-route.js';

const linkState = z.enum(['UP', 'DEGRADED', 'DOWN']);

export const linkEndpointSchema = z.object({
  url: z.string(),
  state: linkState,
  rttMs: z.number().nullable(),
  offsetMs: z.number().nullable().describe("the peer's clock minus ours, at the middle of the last round trip"),
  lastContact: z.string().nullable(),
  failures: z.number().int(),
});

export const peerLinkSchema = z.object({
  peer: z.string(),
  fingerprint: z.string(),
  pinnedAt: z.string(),
  /** null: this node is not serving, so no link runs. */
  state: linkState.nullable(),
  endpoint: z.string().nullable(),
  rttMs: z.number().nullable(),
  offsetMs: z.number().nullable(),
  lastContact: z.string().nullable().describe('the latest contact over any endpoint'),
  endpoints: z.array(linkEndpointSchema),
  channels: z.array(
    z.object({
      channel: z.string(),
      name: z.string(),
      unacknowledged: z.number().int().describe('our entries (and third parties’) the peer has not yet confirmed'),
    }),
  ),
});

export const linksSchema = z.object({
  now: z.string(),
  party: z.string(),
  serving: z.boolean(),
  links: z.array(peerLinkSchema),
});

export const linksQuery = z.strictObject({ peer: fields.partyId.optional() });

/** Every pinned peer's link as the board shows it (`peer` narrows to one). */
export async function linksOf(ctx: OpContext, peer?: string): Promise<z.infer<typeof linksSchema>> {
  const { store, node, config } = ctx.open;
  const link: LinkService | undefined = ctx.link;
  const channels = [];
  for (const row of await store.listChannels()) {
    if (row.state !== 'active') continue;
    const charter = JSON.parse(row.charter) as { name: string; members: Array<{ id: string }> };
    channels.push({ id: row.id, name: charter.name, members: charter.members.map((m) => m.id), row });
  }
  const links = [];
  for (const p of await store.listPeers()) {
    if (peer !== undefined && p.party !== peer) continue;
    const live = link?.links.get(p.party);
    const endpoints = (live?.endpoints ?? []).map((e) => ({ ...e }));
    const active = live ? endpoints.find((e) => e.url === live.activeEndpoint) : undefined;
    const lastContact = endpoints
      .map((e) => e.lastContact)
      .reduce<string | null>((a, b) => (b && (!a || b > a) ? b : a), null);
    const shared = [];
    for (const ch of channels) {
      if (!ch.members.includes(p.party)) continue;
      const heads = await store.heads(ch.id);
      const theirs = await store.peerHeads(ch.id, p.party);
      const unacknowledged = Object.entries(heads)
        .filter(([author]) => author !== p.party)
        .reduce((n, [author, h]) => n + Math.max(0, h.seq - (theirs[author] ?? 0)), 0);
      shared.push({ channel: ch.id, name: ch.name, unacknowledged });
    }
    links.push({
      peer: p.party,
      fingerprint: p.fingerprint,
      pinnedAt: p.addedAt,
      state: live ? live.state : null,
      endpoint: live ? live.activeEndpoint : null,
      rttMs: active?.rttMs ?? null,
      offsetMs: active?.offsetMs ?? null,
      lastContact,
      endpoints,
      channels: shared,
    });
  }
  return { now: node.now(), party: config.party, serving: link !== undefined, links };
}

/** GET /links */
export const listLinksRoute = defineRoute({
  method: 'GET',
  url: '/links',
  summary:
    "Each pinned peer's link: state (UP, DEGRADED, DOWN), round trip, clock offset and last contact per endpoint, and entries the peer has yet to confirm per channel (live changes: `link` events of /events)",
  permission: 'peers.read',
  query: linksQuery,
  response: linksSchema,
  async handler({ ctx, query }) {
    return linksOf(ctx, query.peer);
  },
});

export const linkRoutes: RouteDef[] = [listLinksRoute];
