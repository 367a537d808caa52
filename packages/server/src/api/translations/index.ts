import { messageParams, translationBodySchema, workingTranslationResultSchema } from '@parley/contract';
import { addWorkingTranslation } from '../../hotline/views.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { personOf } from '../messages/index.js';

/** POST /channels/:channel/messages/:id/working-translations */
export const workingTranslationRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/messages/:id/working-translations',
  summary: "A translator's working translation of a received message: kept on this node, never sent",
  permission: 'translations.work',
  audit: 'translations.work',
  // Written beside the record, outside the audit transaction (docs/decisions/0008).
  transaction: false,
  auditRefusals: true,
  status: 201,
  params: messageParams,
  body: translationBodySchema,
  response: workingTranslationResultSchema,
  async handler({ ctx, params, body, actor, audit }) {
    audit.target = params.id;
    const r = await addWorkingTranslation(ctx.open.node, params.channel, params.id, personOf(actor), body);
    audit.details = { channel: params.channel, language: body.language, row: r.id };
    return r;
  },
});

export const translationRoutes: RouteDef[] = [workingTranslationRoute];
