import { createHash, timingSafeEqual } from 'node:crypto';
import { can, ParleyError, permissions } from '@parley/contract';
import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../accounts/accounts.js';
import { csrfHeader, sessionCookie } from './cookies.js';
import type { Actor, RouteDef } from './define-route.js';

const actors = new WeakMap<FastifyRequest, Actor>();

/** The actor authenticate() found for this request, if any. */
export function actorOf(request: FastifyRequest): Actor | undefined {
  return actors.get(request);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The route's onRequest step after the rate limit: the session cookie (401),
 * the CSRF header on every method but GET (403 PARLEY_E_CSRF), then the
 * route's permission (403 PARLEY_E_FORBIDDEN). Refusals of a mutating route
 * are audited. Runs before the body is parsed or validated.
 */
export function authenticate(def: RouteDef, accounts: Accounts) {
  return async (request: FastifyRequest): Promise<void> => {
    if (def.permission === 'public') return;
    const { user, session } = await accounts.authenticate(request.cookies[sessionCookie]);
    actors.set(request, { user, session });
    const refuse = async (error: ParleyError) => {
      if (def.audit !== undefined) {
        const details = { refused: error.code, method: def.method, url: request.url };
        await accounts.audit({ user: user.name, action: def.audit, target: null, address: request.ip, details });
      }
      throw error;
    };
    if (def.method !== 'GET') {
      const given = request.headers[csrfHeader];
      if (typeof given !== 'string' || given === '')
        await refuse(new ParleyError('PARLEY_E_CSRF', { reason: 'missing' }));
      else if (!sameToken(given, session.csrf)) {
        await refuse(new ParleyError('PARLEY_E_CSRF', { reason: 'does not match the session' }));
      }
    }
    if (!can(user.roles, def.permission)) {
      const reason = `${def.permission} needs the role ${permissions[def.permission].join(' or ')}`;
      await refuse(new ParleyError('PARLEY_E_FORBIDDEN', { reason }));
    }
  };
}
