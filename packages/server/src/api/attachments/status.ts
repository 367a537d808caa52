import { attachmentParams, attachmentStatusSchema } from '@parley/contract';
import { attachmentState } from '../../hotline/attachments.js';
import { databaseOf } from '../../hotline/hotline-db.js';
import { defineRoute } from '../define-route.js';

/** GET /attachments/:sha256/status: held here, still being fetched from a peer, or refused (never 404). */
export const attachmentStatusRoute = defineRoute({
  method: 'GET',
  url: '/attachments/:sha256/status',
  summary: "Whether this node holds an attachment; for a peer's, how fetching and verifying it goes",
  permission: 'messages.read',
  params: attachmentParams,
  response: attachmentStatusSchema,
  async handler({ params, ctx }) {
    const state = await attachmentState(databaseOf(ctx.open.node.store), params.sha256);
    return { sha256: params.sha256, ...state };
  },
});
