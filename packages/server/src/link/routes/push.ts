import { linkPrefix, type PushResponse, pushRequestSchema } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../http/errors.js';
import { requireMember } from '../../node/node.js';
import type { LinkContext } from '../context.js';
import { rowToEntry } from '../wire.js';
import { headsOf, onWire } from './heads.js';

async function ownHead(ctx: LinkContext, channel: string) {
  const head = await ctx.node.store.head(channel, ctx.node.party);
  const row = head && (await ctx.node.store.getEntry(channel, ctx.node.party, head.seq));
  return row ? rowToEntry(row) : undefined;
}

/**
 * POST /link/v1/channels/:channel/entries — a peer pushes entries (its own
 * and relayed ones). What is valid is stored durably, then answered with our
 * receipt; the first refusal comes back with our heads so the sender resumes.
 */
export function pushRoute(app: FastifyInstance, ctx: LinkContext): void {
  app.post<{ Params: { channel: string } }>(`${linkPrefix}/channels/:channel/entries`, async (request, reply) => {
    const channel = await ctx.node.channel(request.params.channel);
    requireMember(channel, request.peer);
    const { entries } = parseWith(pushRequestSchema, request.body, 'push');
    const result = await ctx.node.ingest(channel.id, entries, { answering: request.peer });
    // A resend gets the same answer: our newest entry, whose heads already acknowledge it.
    const receipt =
      result.receipt ?? (result.stored === 0 && result.duplicates > 0 ? await ownHead(ctx, channel.id) : undefined);
    const body: PushResponse = {
      stored: result.stored,
      duplicates: result.duplicates,
      // The heads the receipt's transaction left, else read now.
      heads: result.heads ? onWire(result.heads) : await headsOf(ctx.node, channel.id),
      ...(receipt ? { receipt } : {}),
      ...(result.error ? { error: result.error.toJSON() as PushResponse['error'] } : {}),
    };
    if (result.error && result.stored === 0 && result.duplicates === 0) {
      return reply.status(result.error.status).send(body);
    }
    return body;
  });
}
