import type { CookieSerializeOptions } from '@fastify/cookie';

export const sessionCookie = 'parley_session';
export const csrfHeader = 'x-csrf-token';

/** httpOnly, SameSite=Strict, scoped to /api; Secure when the console is reached over TLS (a proxy in front). */
export function sessionCookieOptions(secure: boolean): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/api' };
}
