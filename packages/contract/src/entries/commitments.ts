/** Bodies tracking commitments from words to deeds: proposal, agreement, each side's status. */
import { z } from 'zod';
import { limits } from '../limits.js';
import { entryId, isoDate, languageTag, longText, shortText, unique } from './common.js';

/** A commitment, from a meeting or under a parent commitment, optionally with a due date. */
export const commitmentProposeBody = z.strictObject({
  text: longText,
  language: languageTag,
  sourceMeeting: entryId.exactOptional(),
  parent: entryId.exactOptional(),
  due: isoDate.exactOptional(),
});

export const commitmentAgreeBody = z.strictObject({ commitment: entryId });

export const commitmentStatuses = ['on-track', 'implemented', 'stalled', 'disputed'] as const;

/** One side's claimed status of a commitment, with the entries it points to as evidence. */
export const commitmentStatusBody = z.strictObject({
  commitment: entryId,
  status: z.enum(commitmentStatuses),
  note: shortText,
  evidence: unique(z.array(entryId).max(limits.refs), (id) => id, 'evidence'),
});
