import { channelParams, notificationListSchema, notificationWriteTypes } from '@parley/contract';
import { engagementState } from '../../engagement/act.js';
import { engagementViews } from '../../engagement/fold.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { writeRoute } from '../engagements/write.js';

/** GET /channels/:channel/notifications */
export const listNotificationsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/notifications',
  summary:
    "Notifications with their acknowledgements and ack deadlines, and the charter's formats (JSON Schemas) for forms",
  permission: 'dashboards.read',
  params: channelParams,
  response: notificationListSchema,
  async handler({ ctx, params }) {
    const v = engagementViews(await engagementState(ctx.open.node, params.channel), ctx.open.node.now());
    return { notifications: v.notifications, formats: v.charter.notificationFormats };
  },
});

export const notificationRoutes: RouteDef[] = [
  listNotificationsRoute,
  writeRoute(
    'notifications',
    'notifications.write',
    notificationWriteTypes,
    'Send a notification in a charter format, or acknowledge one',
  ),
];
