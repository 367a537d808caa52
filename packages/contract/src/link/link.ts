import { z } from 'zod';
import { b64url32Schema, headSchema, isoTimeSchema, partyIdSchema, seqSchema } from '../header/header.js';
import { limits } from '../limits.js';

/** Path prefix of the node-to-node API (HTTPS, pinned mutual TLS 1.3). */
export const linkPrefix = '/link/v1';

/** An error as it crosses the link or the console API. */
export const wireErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** POST /link/v1/channels/:channel/entries — push a batch (own and relayed entries). */
export const pushRequestSchema = z.strictObject({
  entries: z.array(z.unknown()).min(1).max(limits.batchEntries),
});

/** Heads: author → newest entry held contiguously. */
export const headsSchema = z.record(partyIdSchema, headSchema);

export const pushResponseSchema = z.strictObject({
  stored: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  /** The receiver's heads after the batch: resume each feed from here. */
  heads: headsSchema,
  /** The receiver's receipt, whose heads cover what it stored. */
  receipt: z.unknown().optional(),
  /** The first refusal, when part (or all) of the batch was refused. */
  error: wireErrorSchema.optional(),
});

/** GET /link/v1/channels/:channel/feeds/:author?from=&limit= — catch up from any seq. */
export const pullQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  limit: z.coerce.number().int().min(1).max(limits.batchEntries).default(limits.batchEntries),
});

export const pullResponseSchema = z.strictObject({
  entries: z.array(z.unknown()).max(limits.batchEntries),
  /** The holder's head of that feed (0 when empty). */
  head: z.number().int().min(0),
});

/** POST /link/v1/heartbeat — technical liveness, RTT and clock offset. */
export const heartbeatRequestSchema = z.strictObject({ sent: isoTimeSchema, nonce: z.string().max(64) });

export const heartbeatResponseSchema = z.strictObject({
  party: partyIdSchema,
  nonce: z.string().max(64),
  /** The answerer's clock when it answered. */
  time: isoTimeSchema,
  /** channel → author → seq the answerer holds, so the asker can pull what it lacks. */
  heads: z.record(b64url32Schema, z.record(partyIdSchema, seqSchema)),
});

/** POST /link/v1/charters — a channel being co-signed. */
export const charterOfferSchema = z.strictObject({
  id: b64url32Schema,
  charter: z.record(z.string(), z.unknown()),
  signatures: z.array(z.strictObject({ party: partyIdSchema, sig: z.string() })).max(limits.members),
});

export type PushResponse = z.infer<typeof pushResponseSchema>;
export type PullResponse = z.infer<typeof pullResponseSchema>;
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;
export type WireError = z.infer<typeof wireErrorSchema>;
