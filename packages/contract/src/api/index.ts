export * from './api-error.js';
export * from './audit.js';
export { can, type Permission, permissionNames, permissions, permissionsOf } from './permissions.js';
export { roleTableMarkdown } from './role-table.js';
export { type Role, roleSchema, roleSummaries, roles } from './roles.js';
export * from './session.js';
export * from './users.js';
