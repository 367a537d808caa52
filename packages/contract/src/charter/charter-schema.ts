/**
 * The channel's genesis document. Every field is required: the charter is
 * signed by every member, so nothing may be filled in when it is read.
 * `defaultCharter` is where the defaults live.
 */
import { z } from 'zod';
import {
  isoTime,
  jsonObject,
  languageTag,
  nonce,
  partyId,
  precedence,
  publicKey,
  shortText,
  slugId,
  unique,
} from '../entries/common.js';
import { engagementKind } from '../entries/engagement.js';
import { limits } from '../limits.js';
import { charterRules } from './charter-rules.js';
import { jsonSchemaProblem } from './json-schema-shape.js';

/** A name in each of one or more languages: `{ en: 'Joint Staff', 'zh-Hans': '联合参谋部' }`. */
export const names = z
  .record(languageTag, shortText)
  .refine((n) => Object.keys(n).length >= 1, 'expected a name in at least one language')
  .refine((n) => Object.keys(n).length <= limits.listItems, 'too many languages');

const hours = z
  .number()
  .int()
  .min(1)
  .max(30 * 24);
const minutes = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);

export const member = z.strictObject({ id: partyId, names, key: publicKey });

export const mechanism = z.strictObject({
  id: slugId,
  names,
  level: z.number().int().min(1).max(5),
  kinds: unique(z.array(engagementKind).min(1), (k) => k, 'kind'),
  counterparts: z.array(z.strictObject({ party: partyId, principal: shortText })).max(limits.listItems),
  /** Overrides the channel's answer deadline for requests on this mechanism. */
  answerDeadlineHours: hours.exactOptional(),
});

export const glossaryTerm = z.strictObject({
  terms: names.refine((n) => Object.keys(n).length >= 2, 'expected the term in at least two languages'),
  note: shortText.exactOptional(),
});

const jsonSchemaDocument = jsonObject.superRefine((schema, ctx) => {
  const problem = jsonSchemaProblem(schema);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: `not a JSON Schema (draft 2020-12): ${problem}` });
});

export const notificationFormat = z.strictObject({
  id: slugId,
  names,
  schema: jsonSchemaDocument,
  ackWithinHours: hours,
});

export const charterSchema = z
  .strictObject({
    v: z.literal(1),
    name: shortText,
    createdAt: isoTime,
    proposer: partyId,
    nonce,
    members: z.array(member).min(2).max(limits.members),
    languages: unique(z.array(languageTag).min(1).max(limits.listItems), (l) => l, 'language'),
    markings: unique(z.array(shortText).min(1).max(limits.listItems), (m) => m, 'marking'),
    handlingTargets: z.strictObject({ FLASH: minutes, IMMEDIATE: minutes, PRIORITY: minutes, ROUTINE: minutes }),
    twoPersonRelease: unique(z.array(precedence), (p) => p, 'precedence'),
    answerDeadlineHours: hours,
    linkChecks: z.strictObject({
      intervalMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
      /** Every n-th check is for an operator to answer; 0: none is. */
      operatorEvery: z.number().int().min(0).max(1000),
      answerWithinMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
    }),
    skewAllowanceMs: z.number().int().min(0).max(3_600_000),
    mechanisms: z.array(mechanism).max(limits.listItems),
    glossary: z.array(glossaryTerm).max(limits.glossaryTerms),
    notificationFormats: z.array(notificationFormat).max(limits.listItems),
  })
  .superRefine(charterRules);

export type Charter = z.infer<typeof charterSchema>;
export type CharterMember = z.infer<typeof member>;
export type Mechanism = z.infer<typeof mechanism>;
export type NotificationFormat = z.infer<typeof notificationFormat>;
