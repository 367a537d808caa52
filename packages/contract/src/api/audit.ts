import { z } from 'zod';
import { isoTime } from '../entries/common.js';
import { limits } from '../limits.js';

/** One audit-log row: who did what, when, to what, from which address. Local to the node, never sent to peers. */
export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: isoTime,
    /** The acting user's name; null when nobody was signed in (a failed sign-in) or for the CLI. */
    user: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    /** The client's address, or "cli" for `parley user add`. */
    address: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Filters shared by the audit list and its export. Times are inclusive bounds. */
export const auditFilter = z.strictObject({
  user: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

export type AuditFilter = z.infer<typeof auditFilter>;

/** GET /api/v1/audit: newest first; pass `next` back as `before` for the following page. */
export const auditQuery = auditFilter.extend({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(limits.apiPageItems).default(100),
});

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Cursor of the next (older) page, or null at the end. */
  next: z.number().int().nullable(),
});
