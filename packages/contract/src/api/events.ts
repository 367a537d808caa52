import { z } from 'zod';
import { entryId, isoTime, partyId } from '../entries/common.js';

/** Live events of GET /api/v1/events (text/event-stream): `event: <kind>` then `data: <json>`. */
export const liveEventKinds = ['entry', 'receipt', 'ack', 'alarm', 'link', 'draft'] as const;
export type LiveEventKind = (typeof liveEventKinds)[number];

const channel = z.string();

export const entryEventSchema = z
  .object({
    channel,
    author: partyId,
    seq: z.number().int(),
    id: entryId,
    type: z.string(),
    precedence: z.string().optional(),
    own: z.boolean(),
    time: isoTime,
  })
  .meta({ id: 'EntryEvent' });

export const receiptEventSchema = z
  .object({
    channel,
    author: partyId,
    seq: z.number().int(),
    id: entryId,
    own: z.boolean(),
    time: isoTime,
    /** The other feeds' seqs the receipt's author holds. */
    heads: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'ReceiptEvent' });

export const ackEventSchema = z
  .object({
    channel,
    message: entryId,
    party: partyId,
    kind: z.enum(['ack', 'unread']),
    by: z.string().optional(),
    reason: z.string().optional(),
    id: entryId,
    seq: z.number().int(),
    own: z.boolean(),
    time: isoTime,
  })
  .meta({ id: 'AckEvent' });

export const alarmEventSchema = z
  .object({ kind: z.string(), message: z.string(), channel: z.string().nullable() })
  .meta({ id: 'AlarmEvent' });

export const linkEventSchema = z
  .object({ peer: partyId, state: z.string(), rttMs: z.number().optional() })
  .meta({ id: 'LinkEvent' });

export const draftEventSchema = z
  .object({
    id: z.uuid(),
    channel,
    state: z.enum(['pending', 'released']),
    drafter: z.string(),
    precedence: z.string(),
    releasedBy: z.string().optional(),
    emergency: z.boolean().optional(),
    entry: entryId.optional(),
  })
  .meta({ id: 'DraftEvent' });

/** One item of the stream, documented as `{ event, data }` (on the wire: `event: <kind>\ndata: <json>\n\n`). */
export const liveEventSchema = z
  .discriminatedUnion('event', [
    z.object({ event: z.literal('entry'), data: entryEventSchema }),
    z.object({ event: z.literal('receipt'), data: receiptEventSchema }),
    z.object({ event: z.literal('ack'), data: ackEventSchema }),
    z.object({ event: z.literal('alarm'), data: alarmEventSchema }),
    z.object({ event: z.literal('link'), data: linkEventSchema }),
    z.object({ event: z.literal('draft'), data: draftEventSchema }),
  ])
  .meta({ id: 'LiveEvent' });

export type LiveEvent = z.infer<typeof liveEventSchema>;

/** GET /api/v1/events query. */
export const eventsQuery = z.strictObject({
  /** Only events of this channel (alarms without a channel and link events always pass). */
  channel: z.string().min(1).max(200).optional(),
  /** Seconds between heartbeat comments (default 15). */
  heartbeat: z.coerce.number().int().min(1).max(300).default(15),
});
