/** Bodies of hotline traffic: messages, acknowledgements by a person, non-receipt, official translations. */
import { z } from 'zod';
import { attachments, entryId, languageTag, longText, positiveInt, precedence, shortText } from './common.js';

/**
 * Who released a message. Two-person release records both people; an
 * emergency single-person release has no separate releaser and is flagged.
 * Which precedences need two people is the charter's rule, checked elsewhere.
 */
export const release = z
  .strictObject({ drafter: shortText, releaser: shortText.exactOptional(), emergency: z.boolean() })
  .superRefine((r, ctx) => {
    if (r.emergency && r.releaser !== undefined)
      ctx.addIssue({ code: 'custom', path: ['releaser'], message: 'an emergency release has no second releaser' });
    if (r.releaser !== undefined && r.releaser === r.drafter)
      ctx.addIssue({ code: 'custom', path: ['releaser'], message: 'the releaser must not be the drafter' });
  });

/**
 * A hotline message. Its date-time group is derived from the header's time
 * and is not stored. `serial` counts per channel and sender, from 1.
 */
export const messageBody = z
  .strictObject({
    precedence,
    subject: shortText,
    text: longText,
    language: languageTag,
    marking: shortText,
    serial: positiveInt,
    attachments,
    replyTo: entryId.exactOptional(),
    translation: z.strictObject({ language: languageTag, text: longText }).exactOptional(),
    release,
  })
  .superRefine((m, ctx) => {
    if (m.translation !== undefined && m.translation.language === m.language)
      ctx.addIssue({
        code: 'custom',
        path: ['translation', 'language'],
        message: 'a translation is in another language than the message',
      });
  });

/** A person has read the message (the receipt only proves the node stored it). */
export const messageAckBody = z.strictObject({ message: entryId, by: shortText });

export const unreadReasons = ['discarded', 'not-actionable', 'unreadable', 'other'] as const;

/** Non-receipt: the message was received but is discarded or cannot be acted on. */
export const messageUnreadBody = z.strictObject({ message: entryId, reason: z.enum(unreadReasons), note: shortText });

/** An official translation the sender adds later; receivers' working translations stay internal. */
export const translationBody = z.strictObject({
  message: entryId,
  language: languageTag,
  text: longText,
  official: z.literal(true),
});
