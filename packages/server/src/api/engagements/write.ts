import { actBody, actResultSchema, channelParams, type Permission } from '@parley/contract';
import { act } from '../../engagement/act.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { personOf } from '../messages/index.js';

/**
 * POST /channels/:channel/<area>: writes one entry of the area's types
 * through the engagement rules. One shape for every area; the permission and
 * the types differ.
 */
export function writeRoute<T extends readonly [string, ...string[]]>(
  area: string,
  permission: Permission,
  types: T,
  what: string,
): RouteDef {
  return defineRoute({
    method: 'POST',
    url: `/channels/:channel/${area}`,
    summary: `${what}: one signed entry (${types.join(', ')}), checked against its schema and the engagement rules before signing`,
    permission,
    audit: `${area}.write`,
    // The node writes the record in its own transactions; the audit entry follows the action (docs/decisions/0008).
    transaction: false,
    status: 201,
    params: channelParams,
    body: actBody(types),
    response: actResultSchema,
    async handler({ ctx, params, body, actor, audit }) {
      const type = body.type as string;
      const r = await act(ctx.open.node, params.channel, type, body.body, personOf(actor));
      audit.target = r.id;
      audit.details = { channel: params.channel, type };
      return r;
    },
  });
}
