/** Bodies of engagement: requests for calls and meetings, their answers, meetings held, readouts. */
import { z } from 'zod';
import { limits } from '../limits.js';
import { entryId, isoTime, languageTag, longText, people, shortText, slugId, timeZone, unique } from './common.js';

export const engagementKinds = ['call', 'video-teleconference', 'meeting', 'visit', 'working-group'] as const;
export const engagementKind = z.enum(engagementKinds);

/** A proposed time: UTC start, length, and the time zone the proposer reads it in. */
export const slot = z.strictObject({
  start: isoTime,
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  timeZone,
});
export type Slot = z.infer<typeof slot>;

export const slots = unique(z.array(slot).min(1).max(limits.slots), (s) => s.start, 'slot start');

/** A request for a call, teleconference, meeting, visit or working group on one mechanism. */
export const requestBody = z
  .strictObject({
    mechanism: slugId,
    kind: engagementKind,
    subject: shortText,
    language: languageTag,
    principals: z.strictObject({ requester: people, responder: people }),
    slots,
    agenda: z.array(shortText).min(1).max(limits.listItems),
    deadline: isoTime,
  })
  .superRefine((r, ctx) => {
    const latest = r.slots.map((s) => s.start).sort()[r.slots.length - 1] ?? '';
    if (r.deadline > latest)
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'the answer deadline is after every proposed slot' });
  });

/** Accepts one of the request's slots, by its index in `slots`. */
export const requestAcceptBody = z.strictObject({
  request: entryId,
  slot: z
    .number()
    .int()
    .min(0)
    .max(limits.slots - 1),
});

export const requestDeclineBody = z.strictObject({ request: entryId, reason: shortText });

/** Proposes other slots instead; the requester accepts one with a `request-accept` on this entry. */
export const requestCounterBody = z.strictObject({ request: entryId, slots, note: shortText });

export const requestWithdrawBody = z.strictObject({ request: entryId, reason: shortText });

export const media = ['telephone', 'video-teleconference', 'in-person'] as const;

/** A meeting that is scheduled or was held: time, length, who took part, and how. */
export const meetingBody = z
  .strictObject({
    request: entryId.exactOptional(),
    mechanism: slugId,
    kind: engagementKind,
    start: isoTime,
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    participants: people,
    medium: z.enum(media),
    location: shortText.exactOptional(),
  })
  .superRefine((m, ctx) => {
    if (m.medium === 'in-person' && m.location === undefined)
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'required for an in-person meeting' });
  });

export const meetingConfirmBody = z.strictObject({ meeting: entryId });

export const meetingPostponeBody = z.strictObject({
  meeting: entryId,
  reason: shortText,
  newSlots: slots.exactOptional(),
});

export const meetingCancelBody = z.strictObject({ meeting: entryId, reason: shortText });

/**
 * A party's account of a meeting. An imported public readout that the party
 * did not sign carries `external: true` and where it was retrieved from.
 */
export const readoutBody = z
  .strictObject({
    meeting: entryId,
    title: shortText.exactOptional(),
    text: longText,
    language: languageTag,
    visibility: z.enum(['public', 'internal']),
    external: z.literal(true).exactOptional(),
    externalSource: z
      .strictObject({
        url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(limits.shortText),
        retrievedAt: isoTime,
      })
      .exactOptional(),
  })
  .superRefine((r, ctx) => {
    if ((r.external === true) !== (r.externalSource !== undefined))
      ctx.addIssue({ code: 'custom', path: ['external'], message: 'external and externalSource go together' });
    else if (r.external === true && r.visibility !== 'public')
      ctx.addIssue({ code: 'custom', path: ['visibility'], message: 'an external readout is public' });
  });
