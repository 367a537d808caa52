/**
 * The record explorer: a channel's feeds (one per member: head and size), a
 * feed's entries page by page (headers only: type, seq, time, id, when stored,
 * flags), verification of the stored channel (the same bundle `parley export`
 * builds, checked by the record's verifier), and an evidence bundle to download.
 *
 * Browsing needs `messages.read`: it lists the record's entries one by one (ids,
 * types and times of messages, requests, acknowledgements), which is what the
 * watch floor and the engagement views already show, not an aggregate of them
 * (dashboards.read). Verifying and exporting need `exports.read`: a bundle takes
 * the record off the node.
 */
import {
  bundleSchema,
  channelIdSchema,
  channelParams,
  entryTypes,
  fields,
  isParleyError,
  ParleyError,
} from '@parley/contract';
import { verifyBundle } from '@parley/record';
import { z } from 'zod';
import { exportChannel } from '../../runtime/export.js';
import type { OpContext } from '../../runtime/operations.js';
import { defineRoute, type RouteDef } from '../define-route.js';

const feedSchema = z.object({
  author: z.string(),
  entries: z.number().int().describe('the feed’s length (its head’s seq): a feed has no gaps'),
  head: z.object({ seq: z.number().int(), id: z.string(), time: z.string() }).nullable(),
});

export const recordFeedsSchema = z.object({
  channel: z.string(),
  name: z.string(),
  feeds: z.array(feedSchema),
});

const entryRowSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  type: z.string(),
  time: z.string(),
  storedAt: z.string(),
  flags: z.array(z.string()),
});

export const recordEntriesSchema = z.object({
  channel: z.string(),
  author: z.string(),
  entries: z.array(entryRowSchema),
  /** The `from` of the next page, or null at the head. */
  next: z.number().int().nullable(),
});

export const recordVerifySchema = z.object({
  channel: z.string(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  keysAnchored: z.boolean().optional(),
  feeds: z.array(z.object({ author: z.string(), entries: z.number().int(), disclosed: z.number().int() })),
  checkpoints: z.number().int(),
  notes: z.array(z.string()),
  statements: z.array(z.string()),
});

const feedParams = z.strictObject({ channel: channelIdSchema, author: fields.partyId });

export const recordEntriesQuery = z.strictObject({
  from: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const disclosable = new Set<string>([...entryTypes, 'all']);

export const recordExportQuery = z.strictObject({
  from: fields.isoTime.optional(),
  to: fields.isoTime.optional(),
  disclose: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.split(',').every((t) => disclosable.has(t.trim())), {
      message: 'expected entry types separated by commas, or all',
    })
    .describe('entry types whose bodies to include (comma-separated), or `all`; default none, as `parley export`'),
});

async function activeChannel(ctx: OpContext, channel: string) {
  const row = await ctx.open.store.getChannel(channel);
  if (row?.state !== 'active') throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel });
  return { row, charter: JSON.parse(row.charter) as { name: string; members: Array<{ id: string }> } };
}

/** GET /channels/:channel/record */
export const recordFeedsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/record',
  summary: "The channel's feeds as this node holds them: one per member, with its length and head",
  permission: 'messages.read',
  params: channelParams,
  response: recordFeedsSchema,
  async handler({ ctx, params }) {
    const { row, charter } = await activeChannel(ctx, params.channel);
    const heads = await ctx.open.store.heads(row.id);
    const feeds = charter.members.map((m) => {
      const h = heads[m.id];
      return { author: m.id, entries: h?.seq ?? 0, head: h ? { seq: h.seq, id: h.id, time: h.time } : null };
    });
    return { channel: row.id, name: charter.name, feeds };
  },
});

/** GET /channels/:channel/record/feeds/:author */
export const recordEntriesRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/record/feeds/:author',
  summary: "One feed's entries in seq order from `from`, headers only (type, seq, time, id, when stored, flags)",
  permission: 'messages.read',
  params: feedParams,
  query: recordEntriesQuery,
  response: recordEntriesSchema,
  async handler({ ctx, params, query }) {
    const { row, charter } = await activeChannel(ctx, params.channel);
    if (!charter.members.some((m) => m.id === params.author)) {
      throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'feed', id: params.author });
    }
    const rows = await ctx.open.store.range(row.id, params.author, query.from, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      channel: row.id,
      author: params.author,
      entries: page.map((r) => ({
        seq: r.seq,
        id: r.id,
        type: r.type,
        time: r.time,
        storedAt: r.storedAt,
        flags: JSON.parse(r.flags) as string[],
      })),
      next: rows.length > query.limit ? rows[query.limit]!.seq : null,
    };
  },
});

/** GET /channels/:channel/record/verify */
export const recordVerifyRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/record/verify',
  summary:
    'Verifies the stored channel: builds the evidence bundle `parley export` would (no bodies) and checks it with the record’s verifier (signatures, chains, checkpoints, keys anchored in the charter); a failure is an answer with ok false',
  permission: 'exports.read',
  params: channelParams,
  response: recordVerifySchema,
  async handler({ ctx, params }) {
    await activeChannel(ctx, params.channel);
    try {
      const report = verifyBundle(await exportChannel(ctx.open, { channel: params.channel }));
      return {
        channel: params.channel,
        ok: true,
        keysAnchored: report.keysAnchored,
        feeds: report.feeds.map((f) => ({ author: f.author, entries: f.entries, disclosed: f.disclosed })),
        checkpoints: report.checkpoints.length,
        notes: report.notes,
        statements: report.statements,
      };
    } catch (error) {
      if (!isParleyError(error)) throw error;
      return {
        channel: params.channel,
        ok: false,
        error: { code: error.code, message: error.message },
        feeds: [],
        checkpoints: 0,
        notes: [],
        statements: [],
      };
    }
  },
});

/** GET /channels/:channel/record/export */
export const recordExportRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/record/export',
  summary:
    'An evidence bundle (parley-evidence/1) of the channel, as `parley export`: headers and signatures of every entry in the window, bodies of the disclosed types, every checkpoint; downloaded as an attachment',
  permission: 'exports.read',
  audit: 'evidence.export',
  params: channelParams,
  query: recordExportQuery,
  response: bundleSchema,
  async handler({ ctx, params, query, audit, reply }) {
    await activeChannel(ctx, params.channel);
    const disclose = query.disclose?.split(',').map((t) => t.trim());
    audit.target = params.channel;
    audit.details = { kind: 'channel', disclose: disclose ?? [], from: query.from ?? null, to: query.to ?? null };
    const bundle = await exportChannel(ctx.open, {
      channel: params.channel,
      from: query.from,
      to: query.to,
      disclose,
    });
    void reply.header('content-disposition', `attachment; filename="evidence-${params.channel.slice(0, 12)}.json"`);
    return bundle;
  },
});

export const recordRoutes: RouteDef[] = [recordFeedsRoute, recordEntriesRoute, recordVerifyRoute, recordExportRoute];
