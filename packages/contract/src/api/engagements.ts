import { z } from 'zod';
import { charterSchema, mechanism, notificationFormat } from '../charter/charter-schema.js';
import { commitmentStatuses } from '../entries/commitments.js';
import { entryId, isoTime, jsonObject, languageTag, longText, shortText } from '../entries/common.js';
import { slot } from '../entries/engagement.js';
import { incidentResponses } from '../entries/incidents.js';
import { limits } from '../limits.js';
import { channelIdSchema } from './messages.js';

/**
 * Engagement through the console API: requests and meetings, readouts,
 * commitments, incidents, notifications, mechanisms. Each write names an
 * entry type of its area and a body checked against that type's schema and
 * then the engagement rules (PARLEY_E_SCHEMA, PARLEY_E_RULE).
 */

export const engagementWriteTypes = [
  'request',
  'request-accept',
  'request-decline',
  'request-counter',
  'request-withdraw',
  'meeting',
  'meeting-confirm',
  'meeting-postpone',
  'meeting-cancel',
  'readout',
] as const;
export const commitmentWriteTypes = ['commitment-propose', 'commitment-agree', 'commitment-status'] as const;
export const incidentWriteTypes = ['incident-report', 'incident-response'] as const;
export const notificationWriteTypes = ['notification', 'notification-ack'] as const;
export const mechanismWriteTypes = ['mechanism-suspend', 'mechanism-resume'] as const;

/** `{ type, body }`: one entry of the area's types; `body` as its schema (defaults: see `parley help act`). */
export function actBody<T extends readonly [string, ...string[]]>(types: T) {
  return z.strictObject({ type: z.enum(types), body: jsonObject });
}

export const actResultSchema = z.object({
  id: entryId,
  seq: z.number().int(),
  time: isoTime,
  type: z.string(),
  onSuspendedMechanism: z.literal(true).optional(),
});

export const meetingParams = z.strictObject({ channel: channelIdSchema, meeting: entryId });
export const amendmentParams = z.strictObject({ channel: channelIdSchema, amendment: entryId });

/** A public readout of the other side, imported: not signed by that side, with where it came from. */
export const importReadoutBody = z.strictObject({
  // The readout entry's limit (readoutBody.externalSource.url), so a longer address is refused here, by its own name.
  url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .max(limits.shortText, `must be at most ${limits.shortText} characters`),
  retrievedAt: isoTime.optional(),
  title: shortText.optional(),
  text: longText,
  language: languageTag,
});

/** Adds or replaces one mechanism in the charter in force, as a charter-amend the other members accept. */
export const proposeMechanismBody = z.strictObject({ mechanism, summary: shortText.optional() });

// Response schemas: what the rules' views (server engagement/*.ts) hold, field by field, so the
// OpenAPI documents them and the serializer keeps exactly these fields. Fields come from entries
// that passed their body schemas, but a view is documented with plain types: a response never
// fails on a peer's entry the rules flagged.

const id = z.string().describe('an entry id');
const party = z.string().describe('a party id');
const time = z.string().describe('UTC, RFC 3339 with milliseconds');

/** One step in the life of a request or meeting; `invalid` when the rules refuse it (it changed nothing). */
const stepSchema = z.object({ entry: id, type: z.string(), author: party, time, invalid: z.string().optional() });

export const violationSchema = z.object({
  entry: id,
  author: party,
  type: z.string(),
  time,
  reason: z.string().describe('why the engagement rules refuse it: stored and flagged, it changed nothing'),
});

const proposalSchema = z.object({ entry: id, by: party, time, slots: z.array(slot) });

export const requestViewSchema = z.object({
  id,
  channel: z.string().optional(),
  requester: party,
  responders: z.array(party).describe('every member but the requester'),
  mechanism: z.string(),
  level: z.number().int().optional(),
  kind: z.string(),
  subject: z.string(),
  time,
  deadline: time,
  state: z.enum(['open', 'countered', 'accepted', 'declined', 'withdrawn', 'unanswered']),
  turn: z.array(party).describe('who may answer next (empty once closed)'),
  proposals: z.array(proposalSchema).describe("the request's slots, then each counter's"),
  accepted: z.object({ entry: id, by: party, time, slot }).optional(),
  firstAnswer: z.object({ entry: id, type: z.string(), by: party, time }).optional(),
  answerMs: z.number().optional().describe('milliseconds from the request to its first answer'),
  unansweredAtDeadline: z.boolean(),
  late: z.boolean().describe('the first answer came after the deadline'),
  onSuspendedMechanism: z.boolean(),
  invalid: z.string().optional(),
  steps: z.array(stepSchema),
  meetings: z.array(id),
});

export const meetingViewSchema = z.object({
  id,
  author: party,
  time,
  request: id.optional(),
  mechanism: z.string(),
  level: z.number().int().optional(),
  kind: z.string(),
  start: time,
  durationMinutes: z.number(),
  medium: z.string(),
  location: z.string().optional(),
  participants: z.array(z.object({ name: z.string(), title: z.string(), party })),
  state: z.enum(['scheduled', 'held', 'confirmed', 'postponed', 'cancelled']),
  confirmedBy: z.array(party),
  postponed: z
    .object({ entry: id, by: party, time, reason: z.string(), newSlots: z.array(slot).optional() })
    .optional(),
  cancelled: z.object({ entry: id, by: party, time, reason: z.string() }).optional(),
  invalid: z.string().optional(),
  steps: z.array(stepSchema),
});

export const engagementListSchema = z.object({
  requests: z.array(requestViewSchema),
  meetings: z.array(meetingViewSchema),
  violations: z.array(violationSchema),
});

export const readoutViewSchema = z.object({
  id,
  author: party,
  side: z.string().describe("whose account it is: the author's, or for an imported readout the other member's"),
  time,
  meeting: id,
  title: z.string().optional(),
  text: z.string(),
  language: z.string(),
  visibility: z.enum(['public', 'internal']),
  external: z
    .object({ url: z.string(), retrievedAt: time, importedBy: party })
    .optional()
    .describe('imported from a public source: not signed by the side it is the account of'),
});

export const readoutComparisonSchema = z.object({
  meeting: id,
  sides: z.array(z.string()),
  readouts: z.record(z.string(), z.array(readoutViewSchema)),
  terms: z.array(
    z.object({
      terms: z.record(z.string(), z.string()),
      note: z.string().optional(),
      counts: z.record(z.string(), z.number()),
    }),
  ),
  termsOnlyBy: z.record(z.string(), z.array(z.string())),
  wordsOnlyBy: z.record(z.string(), z.array(z.object({ word: z.string(), count: z.number() }))),
});

const statusClaimSchema = z.object({
  entry: id,
  by: party,
  time,
  status: z.enum(commitmentStatuses),
  note: z.string(),
  evidence: z.array(id),
});

export const commitmentViewSchema = z.object({
  id,
  author: party,
  time,
  text: z.string(),
  language: z.string(),
  sourceMeeting: id.optional(),
  parent: id.optional(),
  due: z.string().optional().describe('YYYY-MM-DD'),
  agreedBy: z.array(party),
  state: z.enum(['proposed', 'agreed']),
  claims: z.record(z.string(), statusClaimSchema).describe("each member's newest claimed status"),
  history: z.array(statusClaimSchema),
  divergent: z.boolean().describe("members' newest claims differ"),
  overdue: z.boolean().describe('past its due date and nobody claims it implemented'),
  children: z.array(id),
  invalid: z.string().optional(),
});

export const commitmentListSchema = z.object({
  commitments: z.array(commitmentViewSchema),
  /** Ids of commitments without a parent: the roots of the tree (children are listed on each). */
  roots: z.array(id),
});

export const incidentViewSchema = z.object({
  id,
  author: party,
  time,
  report: z.record(z.string(), z.unknown()).describe('the incident-report body as signed'),
  responses: z.array(
    z.object({
      entry: id,
      by: party,
      time,
      response: z.enum(incidentResponses),
      account: z.string().optional(),
      discussedAt: id.optional(),
    }),
  ),
  latest: z.record(z.string(), z.enum(incidentResponses)).describe("each responding member's newest response"),
  discussedAt: z.array(id),
  state: z.enum(['reported', 'acknowledged', 'contested', 'regretted']),
});

export const incidentListSchema = z.object({ incidents: z.array(incidentViewSchema) });

export const notificationViewSchema = z.object({
  id,
  author: party,
  time,
  format: z.string(),
  language: z.string(),
  data: z.record(z.string(), z.unknown()).describe("the form's data, in the format's JSON Schema"),
  ackDeadline: time.optional(),
  acks: z.array(z.object({ entry: id, by: party, person: z.string(), time, late: z.boolean() })),
  awaiting: z.array(party).describe('members who have not acknowledged it yet'),
  overdue: z.boolean(),
  invalid: z.string().optional(),
});

export const notificationListSchema = z.object({
  notifications: z.array(notificationViewSchema),
  formats: z.array(notificationFormat),
});

const suspensionEventSchema = z.object({
  entry: id,
  kind: z.enum(['suspend', 'resume']),
  by: party,
  time,
  text: z.string().describe('the reason given to suspend, or the note given to resume'),
  effective: time.optional(),
});

export const mechanismViewSchema = mechanism.extend({
  state: z.enum(['active', 'suspended']),
  suspendedBy: z.array(party).describe('parties whose suspension is not lifted'),
  history: z.array(suspensionEventSchema),
});

export const amendmentViewSchema = z.object({
  id,
  author: party,
  time,
  summary: z.string(),
  charter: charterSchema,
  hash: z.string().describe("SHA-256 of the amended charter's JCS bytes, base64url: what a charter-accept names"),
  acceptedBy: z.array(party),
  inForceAt: time.optional().describe('when the last member accepted it; absent while pending'),
});

export const mechanismListSchema = z.object({
  mechanisms: z.array(mechanismViewSchema),
  amendments: z.array(amendmentViewSchema),
  answerDeadlineHours: z.number(),
});
