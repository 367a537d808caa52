import {
  actResultSchema,
  amendmentParams,
  channelParams,
  mechanismListSchema,
  mechanismWriteTypes,
  proposeMechanismBody,
} from '@parley/contract';
import { act, engagementState } from '../../engagement/act.js';
import { engagementViews } from '../../engagement/fold.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { writeRoute } from '../engagements/write.js';
import { personOf } from '../messages/index.js';

/** GET /channels/:channel/mechanisms */
export const listMechanismsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/mechanisms',
  summary:
    'Mechanisms of the charter in force: level, kinds, counterparts, deadline, active or suspended (by whom), suspension history, amendments',
  permission: 'dashboards.read',
  params: channelParams,
  response: mechanismListSchema,
  async handler({ ctx, params }) {
    const v = engagementViews(await engagementState(ctx.open.node, params.channel), ctx.open.node.now());
    return {
      mechanisms: v.mechanisms,
      amendments: v.amendments,
      answerDeadlineHours: v.charter.answerDeadlineHours,
    };
  },
});

/** POST /channels/:channel/mechanisms/amendments */
export const proposeMechanismRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/mechanisms/amendments',
  summary:
    'Add or replace a mechanism: a charter-amend of the charter in force, in force once every other member accepts it',
  permission: 'charter.write',
  audit: 'mechanisms.amend',
  transaction: false,
  status: 201,
  params: channelParams,
  body: proposeMechanismBody,
  response: actResultSchema,
  async handler({ ctx, params, body, actor, audit }) {
    const { charter } = engagementViews(await engagementState(ctx.open.node, params.channel), ctx.open.node.now());
    const others = charter.mechanisms.filter((m) => m.id !== body.mechanism.id);
    const replaced = others.length !== charter.mechanisms.length;
    const amended = { ...charter, mechanisms: [...others, body.mechanism] };
    const summary = body.summary ?? `${replaced ? 'Changes' : 'Adds'} mechanism ${body.mechanism.id}`;
    const r = await act(ctx.open.node, params.channel, 'charter-amend', { charter: amended, summary }, personOf(actor));
    audit.target = r.id;
    audit.details = { channel: params.channel, mechanism: body.mechanism.id, replaced };
    return r;
  },
});

/** POST /channels/:channel/mechanisms/amendments/:amendment/accept */
export const acceptAmendmentRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/mechanisms/amendments/:amendment/accept',
  summary: "Accept another member's charter amendment (charter-accept naming its charter's hash)",
  permission: 'charter.write',
  audit: 'mechanisms.accept',
  transaction: false,
  status: 201,
  params: amendmentParams,
  response: actResultSchema,
  async handler({ ctx, params, actor, audit }) {
    const r = await act(
      ctx.open.node,
      params.channel,
      'charter-accept',
      { amendment: params.amendment },
      personOf(actor),
    );
    audit.target = r.id;
    audit.details = { channel: params.channel, amendment: params.amendment };
    return r;
  },
});

export const mechanismRoutes: RouteDef[] = [
  listMechanismsRoute,
  writeRoute(
    'mechanisms',
    'mechanisms.write',
    mechanismWriteTypes,
    'Suspend or resume a mechanism: a signed written notice with reason',
  ),
  proposeMechanismRoute,
  acceptAmendmentRoute,
];
