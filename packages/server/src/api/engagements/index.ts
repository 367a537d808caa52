import {
  actResultSchema,
  channelParams,
  engagementListSchema,
  engagementWriteTypes,
  importReadoutBody,
  meetingParams,
  readoutComparisonSchema,
} from '@parley/contract';
import { act, engagementState } from '../../engagement/act.js';
import { engagementViews } from '../../engagement/fold.js';
import { compareReadouts } from '../../engagement/readouts.js';
import { defineRoute, type RouteDef } from '../define-route.js';
import { personOf } from '../messages/index.js';
import { writeRoute } from './write.js';

/** GET /channels/:channel/engagements */
export const listEngagementsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/engagements',
  summary:
    'Requests and meetings as the record makes them now: states (unanswered once a deadline passes), turns, answer times, and entries the rules flag',
  permission: 'dashboards.read',
  params: channelParams,
  response: engagementListSchema,
  async handler({ ctx, params }) {
    const v = engagementViews(await engagementState(ctx.open.node, params.channel), ctx.open.node.now());
    return { requests: v.requests, meetings: v.meetings, violations: v.violations };
  },
});

/** GET /channels/:channel/meetings/:meeting/readouts */
export const compareReadoutsRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/meetings/:meeting/readouts',
  summary:
    "Each side's readouts of a meeting side by side: glossary terms counted per side (any language), and what only one side mentions",
  permission: 'dashboards.read',
  params: meetingParams,
  response: readoutComparisonSchema,
  async handler({ ctx, params }) {
    const s = await engagementState(ctx.open.node, params.channel);
    const readouts = s.readouts.filter((r) => r.meeting === params.meeting);
    const charter = s.requests.mechanisms.charter;
    const c = compareReadouts(params.meeting, readouts, charter.glossary, s.requests.mechanisms.members);
    return c;
  },
});

/** POST /channels/:channel/meetings/:meeting/readouts/import */
export const importReadoutRoute = defineRoute({
  method: 'POST',
  url: '/channels/:channel/meetings/:meeting/readouts/import',
  summary:
    "Import another side's public readout as an external document: its source address, marked as not signed by that side",
  permission: 'engagements.write',
  audit: 'engagements.import-readout',
  transaction: false,
  status: 201,
  params: meetingParams,
  body: importReadoutBody,
  response: actResultSchema,
  async handler({ ctx, params, body, actor, audit }) {
    const readout = {
      meeting: params.meeting,
      ...(body.title !== undefined ? { title: body.title } : {}),
      text: body.text,
      language: body.language,
      visibility: 'public',
      external: true,
      externalSource: { url: body.url, retrievedAt: body.retrievedAt ?? ctx.open.node.now() },
    };
    const r = await act(ctx.open.node, params.channel, 'readout', readout, personOf(actor));
    audit.target = r.id;
    audit.details = { channel: params.channel, meeting: params.meeting, source: body.url };
    return r;
  },
});

export const engagementRoutes: RouteDef[] = [
  listEngagementsRoute,
  writeRoute('engagements', 'engagements.write', engagementWriteTypes, 'Request, answer, meeting or readout'),
  compareReadoutsRoute,
  importReadoutRoute,
];
