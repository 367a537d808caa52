import { z } from 'zod';
import { attachment, isoTime } from '../entries/common.js';
import { limits } from '../limits.js';

/** Characters of standard padded base64 (RFC 4648 §4) that encode limits.attachmentBytes. */
export const attachmentBase64Chars = 4 * Math.ceil(limits.attachmentBytes / 3);

/** The largest upload request body: the base64 data, its name and media type, and JSON around them. */
export const attachmentUploadBytes = attachmentBase64Chars + 4096;

/**
 * POST /api/v1/attachments: a file as JSON, its bytes in standard padded
 * base64 (what a browser's FileReader and btoa give). The media type must be
 * on limits.attachmentTypes (else 415), the bytes at most
 * limits.attachmentBytes (else 413).
 */
export const uploadAttachmentBody = z.strictObject({
  name: attachment.shape.name,
  contentType: attachment.shape.contentType,
  data: z
    .string()
    .max(attachmentBase64Chars, `must be at most ${attachmentBase64Chars} characters of base64`)
    // A flat character class and a length check: a grouped pattern overflows the regex stack on megabytes.
    .refine((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), 'must be standard padded base64'),
});
export type UploadAttachmentBody = z.infer<typeof uploadAttachmentBody>;

/** What an upload returns: the attachment as a message names it. */
export const attachmentSchema = attachment;

/** GET /api/v1/attachments/:sha256 */
export const attachmentParams = z.strictObject({ sha256: attachment.shape.sha256 });

/**
 * GET /api/v1/attachments/:sha256/status: whether this node holds the blob,
 * and, for a peer's attachment, how fetching it goes (attempts, the last
 * error, when its bytes were refused).
 */
export const attachmentStatusSchema = z.strictObject({
  sha256: attachment.shape.sha256,
  held: z.boolean(),
  attempts: z.number().int().min(0),
  lastError: z.string().nullable(),
  refusedAt: isoTime.nullable(),
});
export type AttachmentStatus = z.infer<typeof attachmentStatusSchema>;
