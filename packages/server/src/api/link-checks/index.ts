/**
 * Operator link checks on the console: send one (the operator on duty), list
 * them with their age and whether the link was up, answer the other side's.
 */
import { actResultSchema, channelIdSchema, channelParams, fields } from '@parley/contract';
import { z } from 'zod';
import { answerOperatorCheck, listOperatorChecks, sendOperatorCheck } from '../../link-checks/operator-checks.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { personOf } from '../messages/index.js';

const checkParams = z.strictObject({ channel: channelIdSchema, check: fields.entryId });

const checkStates = ['pending', 'answered', 'answered-late', 'unanswered'] as const;

export const linkCheckListQuery = z.strictObject({
  state: z.enum(checkStates).optional(),
  direction: z.enum(['in', 'out']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const operatorCheckSchema = z.object({
  id: fields.entryId,
  author: z.string(),
  answerers: z.array(z.string()),
  direction: z.enum(['in', 'out']),
  time: z.string(),
  deadline: z.string(),
  answerWithinSeconds: z.number().int(),
  ageSeconds: z.number().int(),
  state: z.enum(checkStates),
  answer: z
    .object({ id: fields.entryId, author: z.string(), by: z.string(), time: z.string(), inTime: z.boolean() })
    .optional(),
  linkUp: z.boolean().describe("the answerers' nodes held the check within its window (so far, while pending)"),
  storedAt: z.string().optional(),
  silence: z.enum(['political', 'technical']).optional(),
});

export const linkCheckListSchema = z.object({
  now: z.string(),
  checks: z.array(operatorCheckSchema),
});

/** POST /channels/:channel/link-checks */
export const sendLinkCheckRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/link-checks',
  summary:
    'Send an operator link check: a signed link-check (kind operator) that a person on the other side must answer within the window (default: the charter’s)',
  permission: 'messages.draft',
  audit: 'link-checks.send',
  transaction: false,
  status: 201,
  params: channelParams,
  body: z.strictObject({ answerWithinSeconds: z.number().int().min(60).max(86_400).optional() }),
  response: actResultSchema,
  async handler({ ctx, params, body, actor, audit }) {
    const r = await sendOperatorCheck(ctx.open.node, params.channel, { ...body }, personOf(actor));
    audit.target = r.id;
    audit.details = { channel: params.channel };
    return r;
  },
});

/** GET /channels/:channel/link-checks */
export const listLinkChecksRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/link-checks',
  summary:
    'Operator link checks, newest first: pending and answered, with age, answer, and whether the link was up (unanswered with the link up: political silence; down: technical)',
  permission: 'messages.read',
  params: channelParams,
  query: linkCheckListQuery,
  response: linkCheckListSchema,
  async handler({ ctx, params, query }) {
    const all = await listOperatorChecks(ctx.open.node, params.channel);
    const checks = all
      .filter(
        (c) =>
          (query.state === undefined || c.state === query.state) && (query.direction ?? c.direction) === c.direction,
      )
      .slice(0, query.limit);
    return { now: ctx.open.node.now(), checks };
  },
});

/** POST /channels/:channel/link-checks/:check/answer */
export const answerLinkCheckRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/link-checks/:check/answer',
  summary: "Answer the other side's operator link check as the person on duty: a signed link-check-answer naming them",
  permission: 'messages.ack',
  audit: 'link-checks.answer',
  transaction: false,
  status: 201,
  params: checkParams,
  response: actResultSchema.extend({ late: z.boolean() }),
  async handler({ ctx, params, actor, audit }) {
    const r = await answerOperatorCheck(ctx.open.node, params.channel, { check: params.check }, personOf(actor));
    audit.target = r.id;
    audit.details = { channel: params.channel, check: params.check, late: r.late };
    return r;
  },
});

export const linkCheckRoutes: RouteDef[] = [sendLinkCheckRoute, listLinkChecksRoute, answerLinkCheckRoute];
