import { linkPrefix, type PullResponse, pullQuerySchema } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../http/errors.js';
import { requireMember } from '../../node/node.js';
import type { LinkContext } from '../context.js';
import { rowToEntry } from '../wire.js';

/** GET /link/v1/channels/:channel/feeds/:author?from=&limit= — catch up from any seq; cursors never expire. */
export function pullRoute(app: FastifyInstance, ctx: LinkContext): void {
  app.get<{ Params: { channel: string; author: string }; Querystring: unknown }>(
    `${linkPrefix}/channels/:channel/feeds/:author`,
    async (request): Promise<PullResponse> => {
      const channel = await ctx.node.channel(request.params.channel);
      requireMember(channel, request.peer);
      const { from, limit } = parseWith(pullQuerySchema, request.query, 'pull');
      const rows = await ctx.node.store.range(channel.id, request.params.author, from, limit);
      const head = await ctx.node.store.head(channel.id, request.params.author);
      return { entries: rows.map(rowToEntry), head: head?.seq ?? 0 };
    },
  );
}
