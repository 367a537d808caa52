import { loggedOutSchema } from '@parley/contract';
import { sessionCookie, sessionCookieOptions } from '../cookies.js';
import { defineRoute } from '../define-route.js';

/** DELETE /session: sign out; the session ends on the server, the cookie is cleared. */
export function logoutRoute(secureCookie: boolean) {
  return defineRoute({
    method: 'DELETE',
    url: '/session',
    summary: 'Sign out',
    permission: 'session.self',
    audit: 'session.logout',
    response: loggedOutSchema,
    async handler({ actor, accounts, reply }) {
      await accounts.signOut(actor.session.id);
      void reply.clearCookie(sessionCookie, sessionCookieOptions(secureCookie));
      return { ok: true as const };
    },
  });
}
