import { channelParams, commitmentListSchema, commitmentWriteTypes } from '@parley/contract';
import { engagementState } from '../../engagement/act.js';
import { engagementViews } from '../../engagement/fold.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { writeRoute } from '../engagements/write.js';

/** GET /channels/:channel/commitments */
export const listCommitmentsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/commitments',
  summary:
    "The commitments tree: each commitment's agreement, each side's claimed status with evidence, divergence flagged",
  permission: 'dashboards.read',
  params: channelParams,
  response: commitmentListSchema,
  async handler({ ctx, params }) {
    const { commitments } = engagementViews(await engagementState(ctx.open.node, params.channel), ctx.open.node.now());
    return {
      commitments: commitments,
      roots: commitments.filter((c) => c.parent === undefined).map((c) => c.id),
    };
  },
});

export const commitmentRoutes: RouteDef[] = [
  listCommitmentsRoute,
  writeRoute(
    'commitments',
    'commitments.write',
    commitmentWriteTypes,
    'Propose, agree to, or claim the status of a commitment',
  ),
];
