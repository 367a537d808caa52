import { type HeartbeatResponse, heartbeatRequestSchema, linkPrefix } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../http/errors.js';
import type { LinkContext } from '../context.js';

/** POST /link/v1/heartbeat — answered at once with our clock and what we hold of shared channels. */
export function heartbeatRoute(app: FastifyInstance, ctx: LinkContext): void {
  app.post(`${linkPrefix}/heartbeat`, async (request): Promise<HeartbeatResponse> => {
    const { nonce } = parseWith(heartbeatRequestSchema, request.body, 'heartbeat');
    const heads: HeartbeatResponse['heads'] = {};
    for (const row of await ctx.node.store.listChannels()) {
      if (row.state !== 'active') continue;
      const channel = await ctx.node.channel(row.id);
      if (!channel.members.includes(request.peer)) continue;
      const h = await ctx.node.store.heads(row.id);
      heads[row.id] = Object.fromEntries(Object.entries(h).map(([a, x]) => [a, x.seq]));
    }
    return { party: ctx.node.party, nonce, time: new Date(ctx.node.clock.now()).toISOString(), heads };
  });
}
