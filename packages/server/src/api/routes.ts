import { exportAuditRoute } from './audit/export.js';
import { listAuditRoute } from './audit/list.js';
import type { RouteDef } from './define-route.js';
import { loginRoute } from './session/login.js';
import { logoutRoute } from './session/logout.js';
import { meRoute } from './session/me.js';
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
  ];
}
