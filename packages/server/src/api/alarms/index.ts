import { alarmListQuery, alarmListSchema } from '@parley/contract';
import { defineRoute, type RouteDef } from '../define-route.js';

/** GET /alarms */
export const listAlarmsRoute = defineRoute({
  method: 'GET',
  url: '/alarms',
  summary: 'Open alarms (handling targets, forks, clock skew, …), oldest first',
  permission: 'messages.read',
  query: alarmListQuery,
  response: alarmListSchema,
  async handler({ ctx, query }) {
    const rows = await ctx.open.store.openAlarms();
    return {
      alarms: rows
        .filter((a) => query.channel === undefined || a.channel === query.channel || a.channel === null)
        .map((a) => ({
          id: a.id,
          kind: a.kind,
          channel: a.channel,
          message: a.message,
          details: JSON.parse(a.details) as Record<string, unknown>,
          raisedAt: a.raisedAt,
        })),
    };
  },
});

export const alarmRoutes: RouteDef[] = [listAlarmsRoute];
