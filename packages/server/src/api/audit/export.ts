import { Readable } from 'node:stream';
import { type AuditEntry, auditEntrySchema, auditFilter } from '@parley/contract';
import { defineRoute } from '../define-route.js';

async function* lines(rows: AsyncIterable<AuditEntry>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

/** GET /audit/export: every matching entry, oldest first, as a JSON-lines download. The export is itself audited. */
export const exportAuditRoute = defineRoute({
  method: 'GET',
  url: '/audit/export',
  summary: 'Download the audit log as JSON lines (application/x-ndjson), oldest first',
  permission: 'audit.read',
  audit: 'audit.export',
  query: auditFilter,
  response: auditEntrySchema,
  produces: 'application/x-ndjson',
  async handler({ query, accounts, audit, reply }) {
    audit.details = { filter: query };
    const name = `audit-${accounts.now().slice(0, 10)}.jsonl`;
    void reply.type('application/x-ndjson').header('content-disposition', `attachment; filename="${name}"`);
    return Readable.from(lines(accounts.auditRows(query)));
  },
});
