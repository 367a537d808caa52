import { eventsQuery, liveEventSchema } from '@parley/contract';
import type { Accounts } from '../../accounts/accounts.js';
import { sessionWithUser } from '../../accounts/session-rows.js';
import { databaseOf } from '../../hotline/hotline-db.js';
import type { Store } from '../../store/store.js';
import { type Actor, defineRoute } from '../define-route.js';
import { linkStates, relayEntries } from './relay.js';
import { eventStream } from './stream.js';

export { endStreams } from './stream.js';

/**
 * Whether the stream's session still stands, without counting the stream as
 * activity: ended, expired (absolute or idle), or its user disabled ends it.
 */
function sessionAlive(store: Store, accounts: Accounts, actor: Actor) {
  return async () => {
    const found = await sessionWithUser(databaseOf(store), actor.session.id);
    if (!found || found.user.disabled === 1) return false;
    const now = Date.parse(accounts.now());
    const idleEnd = Date.parse(found.session.last_seen_at) + accounts.policy.idleMs;
    return now < Date.parse(found.session.expires_at) && now < idleEnd;
  };
}

/** GET /events: the node's live events as server-sent events. */
export const eventsRoute = defineRoute({
  method: 'GET',
  url: '/events',
  summary:
    'Live events (text/event-stream): entry, receipt, ack, alarm, link, draft; `: heartbeat` comments in between',
  permission: 'messages.read',
  query: eventsQuery,
  response: liveEventSchema,
  produces: 'text/event-stream',
  async handler({ query, ctx, reply, accounts, actor }) {
    // The links' states now come first; then everything new as it happens.
    const { node } = ctx.open;
    relayEntries(node);
    void reply
      .type('text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no');
    return eventStream(reply.server, {
      bus: node.events,
      heartbeatMs: query.heartbeat * 1000,
      stillValid: sessionAlive(ctx.open.store, accounts, actor),
      initial: ctx.link ? linkStates(ctx.link).map((data) => ({ kind: 'link' as const, data })) : [],
      ...(query.channel !== undefined ? { channel: query.channel } : {}),
    });
  },
});

export const eventRoutes = [eventsRoute];
