import { z } from 'zod';
import {
  attachments,
  base64urlOf,
  entryId,
  isoTime,
  languageTag,
  longText,
  partyId,
  precedence,
  shortText,
} from '../entries/common.js';
import { unreadReasons } from '../entries/hotline.js';

/** The hotline through the console API: channels, messages, drafts, answers, translations, overdue items, alarms. */

export const channelIdSchema = z
  .string()
  .regex(base64urlOf(32), 'expected a channel id (43-char base64url of 32 bytes)');

export const channelParams = z.strictObject({ channel: channelIdSchema });
export const messageParams = z.strictObject({ channel: channelIdSchema, id: entryId });
export const draftParams = z.strictObject({ id: z.uuid('expected a draft id (a UUID)') });

// ── Channels ────────────────────────────────────────────────────────────────

export const channelSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.enum(['proposed', 'active']),
    members: z.array(z.object({ id: partyId, names: z.record(z.string(), z.string()) })),
    languages: z.array(z.string()),
    markings: z.array(z.string()),
    /** Minutes within which a person at each recipient should answer, by precedence. */
    handlingTargets: z.record(z.string(), z.number()),
    /** Precedences a second person must release. */
    twoPersonRelease: z.array(z.string()),
    glossary: z.array(z.object({ terms: z.record(z.string(), z.string()), note: z.string().optional() })),
    createdAt: z.string(),
  })
  .meta({ id: 'ChannelSummary' });

export const channelListQuery = z.strictObject({ state: z.enum(['proposed', 'active']).optional() });

export const channelListSchema = z.object({ channels: z.array(channelSummarySchema) });

// ── Messages ────────────────────────────────────────────────────────────────

export const glossaryMarkSchema = z
  .object({
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
    language: z.string(),
    term: z.string(),
    translations: z.record(z.string(), z.string()),
    note: z.string().optional(),
  })
  .meta({ id: 'GlossaryMark' });

export const recipientStatusSchema = z
  .object({
    party: partyId,
    /** The furthest state reached: sent (not known to be stored), stored (receipt), read (message-ack), unread. */
    state: z.enum(['sent', 'stored', 'read', 'unread']),
    stored: z.object({ at: isoTime, entry: entryId, seq: z.number().int() }).nullable(),
    read: z.object({ at: isoTime, entry: entryId, by: z.string().nullable() }).nullable(),
    unread: z
      .object({ at: isoTime, entry: entryId, reason: z.string().nullable(), note: z.string().nullable() })
      .nullable(),
    overdue: z.boolean(),
    late: z.boolean(),
  })
  .meta({ id: 'RecipientStatus' });

export const messageViewSchema = z
  .object({
    id: entryId,
    channel: z.string(),
    author: partyId,
    /** Written by this node's party. */
    own: z.boolean(),
    seq: z.number().int(),
    serial: z.number().int(),
    precedence,
    subject: z.string(),
    text: z.string(),
    language: z.string(),
    marking: z.string(),
    time: isoTime,
    /** Date-time group of `time`, e.g. `211305Z DEC 23`. */
    dtg: z.string(),
    replyTo: entryId.optional(),
    attachments: z.array(z.object({ sha256: z.string(), name: z.string(), contentType: z.string(), size: z.number() })),
    /** The translation sent with the message, if any. */
    translation: z.object({ language: z.string(), text: z.string() }).optional(),
    release: z.object({ drafter: z.string(), releaser: z.string().optional(), emergency: z.boolean() }),
    targetMinutes: z.number(),
    due: isoTime,
    /** Seconds from now until `due`; negative once past. */
    dueInSeconds: z.number().int(),
    overdue: z.boolean(),
    recipients: z.array(recipientStatusSchema),
    glossary: z.object({ subject: z.array(glossaryMarkSchema), text: z.array(glossaryMarkSchema) }),
  })
  .meta({ id: 'MessageView' });

export type MessageView = z.infer<typeof messageViewSchema>;

export const messageListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next` of the previous page. */
  before: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z~[a-z0-9-]{2,32}~\d+$/, 'expected the `next` of a previous page')
    .optional(),
});

export const messageListSchema = z.object({
  /** Newest first. */
  messages: z.array(messageViewSchema),
  next: z.string().nullable(),
});

export const translationViewSchema = z
  .object({
    /** The entry id (official) or the local row id (working). */
    id: z.string(),
    kind: z.enum(['official', 'working']),
    language: z.string(),
    text: z.string(),
    /** Official: the party that sent it. Working: the translator's user name. */
    by: z.string(),
    at: isoTime,
    glossary: z.array(glossaryMarkSchema),
  })
  .meta({ id: 'TranslationView' });

export const messageDetailSchema = messageViewSchema
  .extend({ translations: z.array(translationViewSchema) })
  .meta({ id: 'MessageDetail' });

// ── Submitting, drafts, release ─────────────────────────────────────────────

export const submitMessageBody = z.strictObject({
  precedence,
  subject: shortText,
  text: longText,
  /** Default: the node's language. */
  language: languageTag.optional(),
  /** Default: the charter's first marking. */
  marking: shortText.optional(),
  attachments: attachments.default([]),
  replyTo: entryId.optional(),
  translation: z.strictObject({ language: languageTag, text: longText }).optional(),
});

export type SubmitMessage = z.infer<typeof submitMessageBody>;

const sentSchema = z.object({
  id: entryId,
  seq: z.number().int(),
  serial: z.number().int(),
  time: isoTime,
  dtg: z.string(),
  release: z.object({ drafter: z.string(), releaser: z.string().optional(), emergency: z.boolean() }),
});

export const draftViewSchema = z
  .object({
    id: z.uuid(),
    channel: z.string(),
    drafter: z.string(),
    createdAt: isoTime,
    state: z.enum(['pending', 'releasing', 'released']),
    releasedBy: z.string().nullable(),
    releasedAt: z.string().nullable(),
    entry: z.string().nullable(),
    emergency: z.boolean(),
    message: z.object({
      precedence,
      subject: z.string(),
      text: z.string(),
      language: z.string(),
      marking: z.string(),
      replyTo: z.string().optional(),
    }),
  })
  .meta({ id: 'Draft' });

export const submitResultSchema = z
  .discriminatedUnion('kind', [
    sentSchema.extend({ kind: z.literal('sent') }),
    z.object({ kind: z.literal('drafted'), draft: draftViewSchema }),
  ])
  .meta({ id: 'SubmitResult' });

export const sentResultSchema = sentSchema.extend({ kind: z.literal('sent') }).meta({ id: 'SentResult' });

export const draftListQuery = z.strictObject({
  channel: channelIdSchema.optional(),
  state: z.enum(['pending', 'releasing', 'released']).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next` of the previous page. */
  after: z
    .string()
    .regex(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z~[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      'expected the `next` of a previous page',
    )
    .optional(),
});

export const draftListSchema = z.object({
  /** Oldest first: the release queue's order. */
  drafts: z.array(draftViewSchema),
  /** The cursor of the next page (`after`), or null on the last. */
  next: z.string().nullable(),
});

export const releaseDraftBody = z.strictObject({
  /** The drafter, holding the releaser role, releases their own draft alone: flagged in the record. */
  emergency: z.boolean().default(false),
});

// ── Answers ─────────────────────────────────────────────────────────────────

export const answeredSchema = z
  .object({
    id: entryId,
    seq: z.number().int(),
    time: isoTime,
    /** Already answered so: nothing new was written; this is the earlier answer. */
    already: z.boolean(),
  })
  .meta({ id: 'Answered' });

export const unreadBody = z.strictObject({ reason: z.enum(unreadReasons), note: shortText });

// ── Translations ────────────────────────────────────────────────────────────

export const translationBodySchema = z.strictObject({ language: languageTag, text: longText });

export const officialTranslationResultSchema = z.object({
  id: entryId,
  seq: z.number().int(),
  time: isoTime,
});

export const workingTranslationResultSchema = z.object({ id: z.string(), at: isoTime });

// ── Overdue and alarms ──────────────────────────────────────────────────────

export const overdueListSchema = z.object({
  overdue: z.array(
    z.object({
      id: entryId,
      author: partyId,
      seq: z.number().int(),
      serial: z.number().int(),
      precedence,
      subject: z.string(),
      time: isoTime,
      dtg: z.string(),
      due: isoTime,
      /** Seconds past due (positive). */
      overdueSeconds: z.number().int(),
      missing: z.array(z.object({ party: partyId, stored: z.boolean() })),
    }),
  ),
});

export const alarmListSchema = z.object({
  alarms: z.array(
    z
      .object({
        id: z.number().int(),
        kind: z.string(),
        channel: z.string().nullable(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()),
        raisedAt: z.string(),
      })
      .meta({ id: 'Alarm' }),
  ),
});

export const alarmListQuery = z.strictObject({ channel: channelIdSchema.optional() });
