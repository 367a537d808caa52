import { channelParams, incidentListSchema, incidentWriteTypes } from '@parley/contract';
import { engagementState } from '../../engagement/act.js';
import { engagementViews } from '../../engagement/fold.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { writeRoute } from '../engagements/write.js';

/** GET /channels/:channel/incidents */
export const listIncidentsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/incidents',
  summary:
    'Incident reports with the other side’s responses (acknowledge, contest, regret) and the meetings that discussed them',
  permission: 'dashboards.read',
  params: channelParams,
  response: incidentListSchema,
  async handler({ ctx, params }) {
    const { incidents } = engagementViews(await engagementState(ctx.open.node, params.channel), ctx.open.node.now());
    return { incidents: incidents };
  },
});

export const incidentRoutes: RouteDef[] = [
  listIncidentsRoute,
  writeRoute('incidents', 'incidents.write', incidentWriteTypes, 'Report an incident or respond to one'),
];
