import { z } from 'zod';
import { limits } from '../limits.js';

/** base64url (unpadded) of 32 bytes: entry ids, body hashes, channel ids, public keys. */
export const b64url32Schema = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'base64url of 32 bytes');
/** base64url (unpadded) of a 64-byte Ed25519 signature. */
export const b64url64Schema = z.string().regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'base64url of 64 bytes');
export const partyIdSchema = z.string().regex(limits.partyId, '2–32 characters of [a-z0-9-]');
/** Exactly what JavaScript's Date.prototype.toISOString() gives: UTC, milliseconds, Z. */
export const isoTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'UTC time as toISOString() writes it')
  .refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && new Date(t).toISOString() === s;
  }, 'not a real UTC time');
export const seqSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const entryTypeNameSchema = z.string().regex(/^[a-z][a-z-]{0,39}$/, 'entry type name');

export const headSchema = z.strictObject({ seq: seqSchema, id: b64url32Schema });

/**
 * The signed header of an entry (DESIGN.md, "Entry"). Strict: a header with
 * any other member is not a Parley v1 header.
 */
export const entryHeaderSchema = z
  .strictObject({
    v: z.literal(1),
    channel: b64url32Schema,
    author: partyIdSchema,
    seq: seqSchema,
    prev: b64url32Schema.nullable(),
    time: isoTimeSchema,
    type: entryTypeNameSchema,
    heads: z.record(partyIdSchema, headSchema),
    refs: z.array(b64url32Schema).max(limits.refs),
    body: b64url32Schema,
    key: b64url32Schema,
  })
  .refine((h) => (h.seq === 1) === (h.prev === null), { message: 'prev is null exactly at seq 1', path: ['prev'] })
  .refine((h) => !Object.hasOwn(h.heads, h.author), { message: 'heads must not name the author', path: ['heads'] })
  .refine((h) => Object.keys(h.heads).length < limits.members, { message: 'too many heads', path: ['heads'] })
  .refine((h) => new Set(h.refs).size === h.refs.length, { message: 'refs must be unique', path: ['refs'] });

export type EntryHeader = z.infer<typeof entryHeaderSchema>;
export type Head = z.infer<typeof headSchema>;

/** A signed entry as it travels and is stored; `body` is absent only where withheld in evidence. */
export const signedEntrySchema = z.strictObject({
  header: z.unknown(),
  sig: b64url64Schema,
  body: z.unknown().optional(),
});
