import { charterOfferSchema, linkPrefix } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../http/errors.js';
import { receiveOffer } from '../../node/channels.js';
import type { LinkContext } from '../context.js';

/** POST /link/v1/charters — a member sends a charter being co-signed, with the signatures it has. */
export function chartersRoute(app: FastifyInstance, ctx: LinkContext): void {
  app.post(`${linkPrefix}/charters`, async (request) => {
    const offer = parseWith(charterOfferSchema, request.body, 'charter');
    const { offer: merged, changed } = await receiveOffer(ctx.node, ctx.self, request.peer, offer);
    // Forward only news: a signature we did not have. Unchanged offers end here, so offers never ping-pong.
    if (changed) ctx.onOffer?.(merged.id);
    return { id: merged.id, signed: merged.signatures.map((s) => s.party) };
  });
}
