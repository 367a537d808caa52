import {
  answeredSchema,
  channelParams,
  draftListQuery,
  draftListSchema,
  draftParams,
  messageParams,
  officialTranslationResultSchema,
  ParleyError,
  releaseDraftBody,
  type SubmitMessage,
  sentResultSchema,
  submitMessageBody,
  submitResultSchema,
  translationBodySchema,
  unreadBody,
} from '@parley/contract';
import { appendAudit } from '../../accounts/audit-rows.js';
import { acknowledge, reportUnread } from '../../hotline/acknowledge.js';
import type { Compose } from '../../hotline/compose.js';
import { pageDrafts } from '../../hotline/drafts.js';
import { dtg } from '../../hotline/dtg.js';
import { databaseOf } from '../../hotline/hotline-db.js';
import { type Person, personNamed } from '../../hotline/person.js';
import { releaseDraft, type Sent, type SentAlongside, submitMessage } from '../../hotline/send-message.js';
import { addOfficialTranslation, draftView } from '../../hotline/views.js';
import type { OpContext } from '../../runtime/operations.js';
import { type Actor, defineRoute, type RouteDef } from '../define-route.js';

/** The signed-in user as the hotline's rules see them: name and the roles held now. */
export const personOf = (actor: Actor): Person => ({ user: actor.user.name, roles: actor.user.roles });

async function composeOf(ctx: OpContext, channel: string, body: SubmitMessage): Promise<Compose> {
  const { charter } = await ctx.open.node.channel(channel);
  return {
    precedence: body.precedence,
    subject: body.subject,
    text: body.text,
    language: body.language ?? ctx.open.config.lang,
    marking: body.marking ?? charter.markings[0]!,
    attachments: body.attachments,
    ...(body.replyTo !== undefined ? { replyTo: body.replyTo } : {}),
    ...(body.translation !== undefined ? { translation: body.translation } : {}),
  };
}

/**
 * A sent message's audit entry, written in the message's own transaction
 * (docs/decisions/0017): both are on disk when the answer is sent, and the
 * submissions in flight share one commit. The route then writes none after.
 */
function sentAudit(
  ctx: OpContext,
  actor: Actor,
  address: string,
  action: string,
  details: (s: Sent) => Record<string, unknown>,
  target: (s: Sent) => string = (s) => s.id,
): SentAlongside {
  return (db, sent) =>
    appendAudit(db, ctx.open.node.now(), {
      user: actor.user.name,
      action,
      target: target(sent),
      address,
      details: details(sent),
    });
}

const sentView = (s: Sent) => ({
  kind: 'sent' as const,
  id: s.id,
  seq: s.seq,
  serial: s.serial,
  time: s.time,
  dtg: dtg(s.time),
  release: s.release,
});

/** POST /channels/:channel/messages */
export const submitMessageRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/messages',
  summary:
    "Submit a message: sent at once, or (for the charter's two-person precedences) drafted for a different releaser",
  permission: 'messages.draft',
  audit: 'messages.submit',
  // The node writes the record in its own transactions; the audit entry follows the action (docs/decisions/0008).
  transaction: false,
  auditRefusals: true,
  status: 201,
  params: channelParams,
  body: submitMessageBody,
  response: submitResultSchema,
  async handler({ ctx, params, body, actor, audit, address }) {
    const compose = await composeOf(ctx, params.channel, body);
    const details = (s: Sent) => ({
      channel: params.channel,
      precedence: compose.precedence,
      outcome: 'sent',
      serial: s.serial,
    });
    const alongside = sentAudit(ctx, actor, address, 'messages.submit', details);
    const r = await submitMessage(ctx.open.node, params.channel, personOf(actor), compose, false, alongside);
    if (r.kind === 'drafted') {
      audit.target = r.draft.id;
      audit.details = { channel: params.channel, precedence: compose.precedence, outcome: 'drafted' };
      return { kind: 'drafted' as const, draft: draftView(r.draft) };
    }
    audit.target = r.id;
    audit.details = details(r);
    audit.written = true;
    return sentView(r);
  },
});

/** POST /channels/:channel/messages/emergency */
export const emergencyMessageRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/messages/emergency',
  summary:
    'Send a message under two-person release alone, as an emergency: a releaser only, flagged in the record as such',
  permission: 'messages.release',
  audit: 'messages.emergency',
  transaction: false,
  auditRefusals: true,
  status: 201,
  params: channelParams,
  body: submitMessageBody,
  response: sentResultSchema,
  async handler({ ctx, params, body, actor, audit, address }) {
    const compose = await composeOf(ctx, params.channel, body);
    const details = (s: Sent) => ({
      channel: params.channel,
      precedence: compose.precedence,
      serial: s.serial,
      emergency: true,
    });
    const alongside = sentAudit(ctx, actor, address, 'messages.emergency', details);
    const r = await submitMessage(ctx.open.node, params.channel, personOf(actor), compose, true, alongside);
    if (r.kind !== 'sent')
      throw new ParleyError('PARLEY_E_INTERNAL', {
        reason: 'an emergency submission is sent or refused, never drafted',
      });
    audit.target = r.id;
    audit.details = details(r);
    audit.written = true;
    return sentView(r);
  },
});

/** GET /drafts */
export const listDraftsRoute = defineRoute({
  method: 'GET',
  url: '/drafts',
  summary:
    'The release queue, oldest first, a page (`limit`, `after`) at a time: drafts waiting for a second person (or, with `state`, those being or already released)',
  permission: 'messages.read',
  query: draftListQuery,
  response: draftListSchema,
  async handler({ ctx, query }) {
    const filter = {
      state: query.state,
      limit: query.limit,
      ...(query.channel !== undefined ? { channel: query.channel } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
    };
    const page = await pageDrafts(databaseOf(ctx.open.store), filter);
    return { drafts: page.drafts.map(draftView), next: page.next };
  },
});

/** POST /drafts/:id/release */
export const releaseDraftRoute = defineRoute({
  method: 'POST',
  url: '/drafts/:id/release',
  summary:
    'Release a draft: by a releaser other than its drafter, or by its drafter alone (a releaser) as a flagged emergency',
  permission: 'messages.release',
  audit: 'messages.release',
  transaction: false,
  auditRefusals: true,
  params: draftParams,
  body: releaseDraftBody,
  response: sentResultSchema,
  async handler({ ctx, params, body, actor, audit, address }) {
    const { store, node } = ctx.open;
    audit.target = params.id;
    const details = (s: Sent) => ({ entry: s.id, serial: s.serial, release: s.release });
    const alongside = sentAudit(ctx, actor, address, 'messages.release', details, () => params.id);
    const drafterOf = (name: string) => personNamed(store, name);
    const r = await releaseDraft(node, params.id, personOf(actor), drafterOf, body.emergency, alongside);
    audit.details = details(r);
    audit.written = true;
    return sentView(r);
  },
});

/** POST /channels/:channel/messages/:id/ack */
export const ackRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/messages/:id/ack',
  summary: "A person here has read another party's message: writes a message-ack (answering twice writes nothing)",
  permission: 'messages.ack',
  audit: 'messages.ack',
  transaction: false,
  auditRefusals: true,
  params: messageParams,
  response: answeredSchema,
  async handler({ ctx, params, actor, audit }) {
    audit.target = params.id;
    const r = await acknowledge(ctx.open.node, params.channel, params.id, personOf(actor));
    audit.details = { channel: params.channel, entry: r.id, already: r.already };
    return r;
  },
});

/** POST /channels/:channel/messages/:id/unread */
export const unreadRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/messages/:id/unread',
  summary: "Non-receipt: another party's message reached this node but is discarded or cannot be acted on",
  permission: 'messages.ack',
  audit: 'messages.unread',
  transaction: false,
  auditRefusals: true,
  params: messageParams,
  body: unreadBody,
  response: answeredSchema,
  async handler({ ctx, params, body, actor, audit }) {
    audit.target = params.id;
    const r = await reportUnread(ctx.open.node, params.channel, params.id, personOf(actor), body.reason, body.note);
    audit.details = { channel: params.channel, entry: r.id, reason: body.reason, already: r.already };
    return r;
  },
});

/** POST /channels/:channel/messages/:id/translations */
export const officialTranslationRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/messages/:id/translations',
  summary: "The sender's official translation of its own message: a translation entry, sent to the peers",
  permission: 'messages.draft',
  audit: 'messages.translate',
  transaction: false,
  auditRefusals: true,
  status: 201,
  params: messageParams,
  body: translationBodySchema,
  response: officialTranslationResultSchema,
  async handler({ ctx, params, body, actor, audit }) {
    audit.target = params.id;
    const r = await addOfficialTranslation(ctx.open.node, params.channel, params.id, personOf(actor), body);
    audit.details = { channel: params.channel, entry: r.id, language: body.language };
    return r;
  },
});

export const messageRoutes: RouteDef[] = [
  submitMessageRoute,
  emergencyMessageRoute,
  listDraftsRoute,
  releaseDraftRoute,
  ackRoute,
  unreadRoute,
  officialTranslationRoute,
];
