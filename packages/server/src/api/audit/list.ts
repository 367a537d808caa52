import { auditPageSchema, auditQuery } from '@parley/contract';
import { defineRoute } from '../define-route.js';

/** GET /audit: the audit log, newest first, filtered and paged. */
export const listAuditRoute = defineRoute({
  method: 'GET',
  url: '/audit',
  summary: 'The audit log, newest first; filter by user, action (a trailing "." matches a prefix), time',
  permission: 'audit.read',
  query: auditQuery,
  response: auditPageSchema,
  async handler({ query, accounts }) {
    const { before, limit, ...filter } = query;
    return accounts.auditPage(filter, before, limit);
  },
});
