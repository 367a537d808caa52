import { isParleyError, loginBody, sessionSchema } from '@parley/contract';
import { sessionCookie, sessionCookieOptions } from '../cookies.js';
import { defineRoute } from '../define-route.js';
import { sessionView } from './view.js';

/** POST /session: sign in. Failures are audited too; it keeps no transaction, so a failure's count stays. */
export function loginRoute(secureCookie: boolean) {
  return defineRoute({
    method: 'POST',
    url: '/session',
    summary: 'Sign in: sets the session cookie and returns the CSRF token',
    permission: 'public',
    audit: 'session.login',
    transaction: false,
    body: loginBody,
    response: sessionSchema,
    async handler({ body, accounts, address, audit, reply }) {
      try {
        const { user, session, token } = await accounts.signIn(body.name, body.password, address);
        void reply.setCookie(sessionCookie, token, sessionCookieOptions(secureCookie));
        audit.user = user.name;
        return sessionView(user, session, accounts.policy);
      } catch (error) {
        const code = isParleyError(error) ? error.code : 'PARLEY_E_INTERNAL';
        await accounts.audit({
          user: null,
          action: 'session.login-failed',
          target: body.name,
          address,
          details: { code },
        });
        throw error;
      }
    },
  });
}
