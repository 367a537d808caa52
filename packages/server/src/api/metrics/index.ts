import { bundleSchema, metricsQuery, metricsSchema, ParleyError, unansweredParams } from '@parley/contract';
import { channelMetrics } from '../../metrics/load.js';
import { exportUnanswered } from '../../runtime/export-unanswered.js';
import { defineRoute, type RouteDef } from '../define-route.js';

/** GET /metrics */
export const metricsRoute = defineRoute({
  method: 'GET',
  url: '/metrics',
  summary:
    'Engagement metrics from the record, per channel: requests and answer times per side and mechanism, days since last contact, link uptime, operator link checks, incidents, commitments',
  permission: 'dashboards.read',
  query: metricsQuery,
  response: metricsSchema,
  async handler({ ctx, query }) {
    const { store, node } = ctx.open;
    const now = node.now();
    const ids =
      query.channel !== undefined
        ? [query.channel]
        : (await store.listChannels()).filter((c) => c.state === 'active').map((c) => c.id);
    const channels = [];
    for (const id of ids) {
      const row = await store.getChannel(id);
      if (row?.state !== 'active') throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'channel', id });
      channels.push(
        await channelMetrics(store, id, {
          now,
          from: query.from,
          to: query.to,
          mechanism: query.mechanism,
          level: query.level,
        }),
      );
    }
    return { now, channels };
  },
});

/** GET /channels/:channel/evidence/unanswered/:request */
export const unansweredEvidenceRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/evidence/unanswered/:request',
  summary:
    "Evidence of silence: a parley-evidence/1 bundle proving, with bodies withheld, that the responder's node stored the request and its feed holds no answer up to the deadline (as `parley export --prove-unanswered`)",
  permission: 'exports.read',
  audit: 'evidence.export',
  params: unansweredParams,
  response: bundleSchema,
  async handler({ ctx, params, audit, reply }) {
    audit.target = params.request;
    audit.details = { channel: params.channel, kind: 'unanswered' };
    const { bundle } = await exportUnanswered(ctx.open, { request: params.request, channel: params.channel });
    void reply.header('content-disposition', `attachment; filename="unanswered-${params.request.slice(0, 12)}.json"`);
    return bundle;
  },
});

export const metricsRoutes: RouteDef[] = [metricsRoute, unansweredEvidenceRoute];
