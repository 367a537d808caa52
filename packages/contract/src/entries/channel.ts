/** Bodies of the channel's own entries: charter, keys, mechanisms, checkpoints, receipts, link checks. */
import { z } from 'zod';
import { charterSchema } from '../charter/charter-schema.js';
import {
  entryId,
  isoTime,
  longText,
  nonce,
  partyId,
  publicKey,
  sha256,
  shortText,
  signature,
  slugId,
} from './common.js';
import { parseCheckpointNote } from './signed-note.js';

/** Proposes a new charter, whole; it is in force once every member has accepted it. */
export const charterAmendBody = z.strictObject({ charter: charterSchema, summary: shortText });

/** Accepts an amendment; `charterHash` is the SHA-256 of the amended charter's canonical bytes. */
export const charterAcceptBody = z.strictObject({ amendment: entryId, charterHash: sha256 });

/**
 * The author's next key. It signs from the next seq on; `proof` is the new
 * key's signature over a fixed string (checked by the record package).
 */
export const keyRotateBody = z.strictObject({ newKey: publicKey, proof: signature });

export const mechanismSuspendBody = z.strictObject({ mechanism: slugId, reason: shortText, effective: isoTime });

export const mechanismResumeBody = z.strictObject({ mechanism: slugId, note: shortText });

const noteText = longText.refine(
  (text) => typeof parseCheckpointNote(text) !== 'string',
  'expected a C2SP checkpoint signed note',
);

/** A checkpoint of the author's feed: the C2SP signed note and, repeated for queries, its size and root. */
export const checkpointBody = z
  .strictObject({
    note: noteText,
    size: z.number().int().min(1),
    root: z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'expected a base64 root hash of 32 bytes'),
  })
  .superRefine((body, ctx) => {
    const note = parseCheckpointNote(body.note);
    if (typeof note === 'string') return;
    if (note.size !== String(body.size))
      ctx.addIssue({ code: 'custom', path: ['size'], message: 'differs from the note' });
    if (note.root !== body.root) ctx.addIssue({ code: 'custom', path: ['root'], message: 'differs from the note' });
  });

/** Another member's checkpoint with the author's cosignature line added; `for` is the feed's author. */
export const cosignBody = z.strictObject({ checkpoint: noteText, for: partyId });

/** Receipt: the heads in the header carry its meaning, so the body is usually `{}`. */
export const receiptBody = z.strictObject({ note: shortText.exactOptional() });

/** A recorded link check; `operator` checks must be answered by a person on duty. */
export const linkCheckBody = z.strictObject({
  kind: z.enum(['node', 'operator']),
  nonce,
  answerWithinSeconds: z.number().int().min(1).max(86_400),
});

/** `by` is 'node' for the automatic answer, or the name of the person on duty. */
export const linkCheckAnswerBody = z.strictObject({ check: entryId, nonce, by: shortText });
