import { sessionSchema } from '@parley/contract';
import { defineRoute } from '../define-route.js';
import { sessionView } from './view.js';

/** GET /session: who is signed in, with the CSRF token (so a reloaded console can go on). */
export const meRoute = defineRoute({
  method: 'GET',
  url: '/session',
  summary: 'The current session: user, permissions, CSRF token, expiry',
  permission: 'session.self',
  response: sessionSchema,
  async handler({ actor, accounts }) {
    return sessionView(actor.user, actor.session, accounts.policy);
  },
});
