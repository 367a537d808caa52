import {
  channelListQuery,
  channelListSchema,
  channelParams,
  messageDetailSchema,
  messageListQuery,
  messageListSchema,
  messageParams,
  overdueListSchema,
} from '@parley/contract';
import { overdue } from '../../hotline/message-status.js';
import { listChannels, listMessages, messageDetail, overdueSeconds } from '../../hotline/views.js';
import { defineRoute, type RouteDef } from '../define-route.js';

/** GET /channels */
export const listChannelsRoute = defineRoute({
  method: 'GET',
  url: '/channels',
  summary: "This node's channels (proposed and active) with their charters' hotline rules",
  permission: 'messages.read',
  query: channelListQuery,
  response: channelListSchema,
  async handler({ ctx, query }) {
    const channels = await listChannels(ctx.open.node);
    return { channels: query.state ? channels.filter((c) => c.state === query.state) : channels };
  },
});

/** GET /channels/:channel/messages */
export const listMessagesRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/messages',
  summary: 'Messages of a channel, newest first, each with its status at every recipient',
  permission: 'messages.read',
  params: channelParams,
  query: messageListQuery,
  response: messageListSchema,
  async handler({ ctx, params, query }) {
    return listMessages(ctx.open.node, params.channel, query);
  },
});

/** GET /channels/:channel/messages/:id */
export const getMessageRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/messages/:id',
  summary: 'One message with its status and its translations (official, and working ones of this node)',
  permission: 'messages.read',
  params: messageParams,
  response: messageDetailSchema,
  async handler({ ctx, params }) {
    return messageDetail(ctx.open.node, params.channel, params.id);
  },
});

/** GET /channels/:channel/overdue */
export const overdueRoute = defineRoute({
  method: 'GET',
  url: '/channels/:channel/overdue',
  summary: 'Messages past their handling target that a recipient has not answered, oldest first',
  permission: 'messages.read',
  params: channelParams,
  response: overdueListSchema,
  async handler({ ctx, params }) {
    const { node } = ctx.open;
    await node.channel(params.channel);
    const now = node.clock.now();
    const items = await overdue(node.store, params.channel, now);
    return { overdue: items.map((m) => ({ ...m, overdueSeconds: overdueSeconds(m.due, now) })) };
  },
});

export const channelRoutes: RouteDef[] = [listChannelsRoute, listMessagesRoute, getMessageRoute, overdueRoute];
