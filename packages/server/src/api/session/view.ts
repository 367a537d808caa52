import { permissionsOf, type Session, type User } from '@parley/contract';
import type { AccountPolicy } from '../../accounts/policy.js';
import type { SessionRow } from '../../accounts/session-rows.js';

/** The session as the console sees it. */
export function sessionView(user: User, session: SessionRow, policy: AccountPolicy): Session {
  return {
    user,
    permissions: permissionsOf(user.roles),
    csrfToken: session.csrf,
    expiresAt: session.expires_at,
    idleTimeoutSeconds: Math.round(policy.idleMs / 1000),
  };
}
