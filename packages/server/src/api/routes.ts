import { alarmRoutes } from './alarms/index.js';
import { attachmentRoutes } from './attachments/index.js';
import { exportAuditRoute } from './audit/export.js';
import { listAuditRoute } from './audit/list.js';
import { channelRoutes } from './channels/index.js';
import { commitmentRoutes } from './commitments/index.js';
import type { RouteDef } from './define-route.js';
import { engagementRoutes } from './engagements/index.js';
import { eventRoutes } from './events/index.js';
import { incidentRoutes } from './incidents/index.js';
import { linkCheckRoutes } from './link-checks/index.js';
import { linkRoutes } from './links/index.js';
import { mechanismRoutes } from './mechanisms/index.js';
import { messageRoutes } from './messages/index.js';
import { metricsRoutes } from './metrics/index.js';
import { notificationRoutes } from './notifications/index.js';
import { recordRoutes } from './record/index.js';
import { loginRoute } from './session/login.js';
import { logoutRoute } from './session/logout.js';
import { meRoute } from './session/me.js';
import { translationRoutes } from './translations/index.js';
import { createUserRoute } from './users/create.js';
import { listUsersRoute } from './users/list.js';
import { updateUserRoute } from './users/update.js';

/** Every route of /api/v1; the role × route matrix test and the OpenAPI test walk this list. */
export function apiRoutes(options: { secureCookie: boolean }): RouteDef[] {
  return [
    loginRoute(options.secureCookie),
    meRoute,
    logoutRoute(options.secureCookie),
    listUsersRoute,
    createUserRoute,
    updateUserRoute,
    listAuditRoute,
    exportAuditRoute,
    ...attachmentRoutes,
    ...eventRoutes,
    ...channelRoutes,
    ...messageRoutes,
    ...translationRoutes,
    ...alarmRoutes,
    ...metricsRoutes,
    ...engagementRoutes,
    ...commitmentRoutes,
    ...incidentRoutes,
    ...notificationRoutes,
    ...mechanismRoutes,
    ...linkCheckRoutes,
    ...linkRoutes,
    ...recordRoutes,
  ];
}
