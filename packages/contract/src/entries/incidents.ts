/** Bodies of unsafe-encounter reports and the other side's response. */
import { z } from 'zod';
import { limits } from '../limits.js';
import { behaviourCodes } from './behaviours.js';
import { attachments, entryId, isoTime, languageTag, longText, shortText, unique } from './common.js';

/** A ship or aircraft: name, type (e.g. "Type 052D destroyer", "B-52H"), hull or tail number. */
export const unit = z.strictObject({ name: shortText, type: shortText, hullOrTail: shortText.exactOptional() });
export type Unit = z.infer<typeof unit>;

const units = z.array(unit).min(1).max(limits.listItems);

export const position = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  description: shortText.exactOptional(),
});

/** An unsafe air or maritime encounter, with the reporter's units and the other side's. */
export const incidentReportBody = z
  .strictObject({
    time: isoTime,
    position,
    domain: z.enum(['air', 'sea']),
    units: z.strictObject({ reporter: units, other: units }),
    closestApproachMeters: z.number().min(0).max(1_000_000),
    altitudeMeters: z.number().min(-500).max(100_000).exactOptional(),
    behaviours: unique(z.array(z.enum(behaviourCodes)).min(1).max(behaviourCodes.length), (c) => c, 'behaviour'),
    narrative: longText,
    language: languageTag,
    attachments,
  })
  .superRefine((r, ctx) => {
    if (r.domain === 'air' && r.altitudeMeters === undefined)
      ctx.addIssue({ code: 'custom', path: ['altitudeMeters'], message: 'required for an air encounter' });
  });

export const incidentResponses = ['acknowledge', 'contest', 'regret'] as const;

/** The other side's answer; contesting a report requires its own account. */
export const incidentResponseBody = z
  .strictObject({
    incident: entryId,
    response: z.enum(incidentResponses),
    account: longText.exactOptional(),
    discussedAt: entryId.exactOptional(),
  })
  .superRefine((r, ctx) => {
    if (r.response === 'contest' && r.account === undefined)
      ctx.addIssue({ code: 'custom', path: ['account'], message: 'required to contest a report' });
  });
