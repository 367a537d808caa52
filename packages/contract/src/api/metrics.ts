import { z } from 'zod';
import { entryId, isoTime, partyId, slugId } from '../entries/common.js';
import { channelIdSchema } from './messages.js';

/** Engagement metrics through the console API (GET /api/v1/metrics) and evidence of silence. */

/** GET /api/v1/metrics: a period (inclusive ISO bounds), and optionally one mechanism, one level, one channel. */
export const metricsQuery = z
  .strictObject({
    from: isoTime.optional(),
    to: isoTime.optional(),
    mechanism: slugId.optional(),
    level: z.coerce.number().int().min(1).max(5).optional(),
    channel: channelIdSchema.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['to'],
  });

export type MetricsQueryJson = z.infer<typeof metricsQuery>;

const count = z.number().int().min(0);
const ms = z.number().min(0).nullable();

export const requestMetricsRowSchema = z
  .object({
    side: partyId,
    mechanism: z.string(),
    level: z.number().int().nullable(),
    made: count,
    open: count,
    countered: count,
    accepted: count,
    declined: count,
    withdrawn: count,
    unanswered: count,
    late: count,
    onSuspendedMechanism: count,
    answered: count,
    medianAnswerMs: ms,
    p90AnswerMs: ms,
  })
  .meta({ id: 'RequestMetricsRow' });

export const linkMetricsRowSchema = z
  .object({
    checker: partyId,
    answerer: partyId,
    nodeChecks: count,
    nodeAnswered: count,
    uptime: z.number().min(0).max(1).nullable(),
    operatorChecks: count,
    operatorAnswered: count,
    operatorSilentWhileHealthy: count,
    operatorUnansweredWhileDown: count,
    pending: count,
  })
  .meta({ id: 'LinkMetricsRow' });

export const channelMetricsSchema = z
  .object({
    channel: channelIdSchema,
    now: isoTime,
    period: z.object({ from: isoTime.nullable(), to: isoTime.nullable() }),
    filter: z.object({ mechanism: z.string().nullable(), level: z.number().int().nullable() }),
    /** Per side and mechanism; per side and level (mechanism `*`); per side (mechanism `*`, level null). */
    requests: z.object({
      rows: z.array(requestMetricsRowSchema),
      byLevel: z.array(requestMetricsRowSchema),
      bySide: z.array(requestMetricsRowSchema),
    }),
    contact: z.object({
      byMechanism: z.array(
        z.object({
          mechanism: z.string(),
          level: z.number().int(),
          lastContact: isoTime.nullable(),
          daysSince: count.nullable(),
          meetingsInPeriod: count,
        }),
      ),
      byLevel: z.array(
        z.object({ level: z.number().int(), lastContact: isoTime.nullable(), daysSince: count.nullable() }),
      ),
    }),
    link: z.array(linkMetricsRowSchema),
    incidents: z.object({
      total: count,
      byMonth: z.array(z.object({ month: z.string(), side: partyId, count })),
    }),
    commitments: z.object({
      total: count,
      proposed: count,
      agreed: count,
      divergent: count,
      overdue: count,
      claimed: z.record(z.string(), z.record(z.string(), count)),
    }),
  })
  .meta({ id: 'ChannelMetrics' });

export const metricsSchema = z
  .object({ now: isoTime, channels: z.array(channelMetricsSchema) })
  .meta({ id: 'Metrics' });

/** GET /api/v1/channels/:channel/evidence/unanswered/:request */
export const unansweredParams = z.strictObject({ channel: channelIdSchema, request: entryId });
