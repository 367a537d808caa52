import { createHash, randomBytes } from 'node:crypto';
import { ParleyError, type User } from '@parley/contract';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../store/database.js';
import type { AddressThrottle } from './address-throttle.js';
import { verifyPassword } from './password.js';
import type { AccountPolicy } from './policy.js';
import { insertSession, purgeSessions, type SessionRow } from './session-rows.js';
import { countFailure, setUser, toUser, type UserRow, userBy } from './user-rows.js';

export interface SignInDeps {
  db: Kysely<Database>;
  clock: Clock;
  policy: AccountPolicy;
  throttle: AddressThrottle;
  /** A hash to check wrong names against, so a missing user takes as long as a wrong password. */
  dummyHash(): Promise<string>;
}

export interface SignedIn {
  user: User;
  session: SessionRow;
  /** The cookie's value; only its SHA-256 is stored. */
  token: string;
}

export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex');

const iso = (ms: number) => new Date(ms).toISOString();
const wrong = () => new ParleyError('PARLEY_E_UNAUTHENTICATED', { reason: 'wrong name or password' });

/**
 * Checks a name and password and opens a session. Refuses, in this order:
 * an address with too many recent failures (429), a locked account (423), a
 * wrong name or password (401; the failure that reaches the limit locks the
 * account and answers 423), a disabled account (403).
 */
export async function signIn(deps: SignInDeps, name: string, password: string, address: string): Promise<SignedIn> {
  const { db, clock, policy, throttle } = deps;
  const wait = throttle.retryAfterMs(address);
  if (wait > 0) {
    const reason = `too many failed sign-ins from this address; try again in ${Math.ceil(wait / 1000)} s`;
    throw new ParleyError('PARLEY_E_RATE_LIMIT', { reason });
  }
  const now = iso(clock.now());
  const row = await userBy(db, 'name', name);
  if (!row) {
    await verifyPassword(password, await deps.dummyHash());
    throttle.fail(address);
    throw wrong();
  }
  if (row.locked_until !== null && row.locked_until > now) {
    throttle.fail(address);
    throw new ParleyError('PARLEY_E_ACCOUNT_LOCKED', { until: row.locked_until, failures: policy.maxFailures });
  }
  if (!(await verifyPassword(password, row.password_hash))) {
    throttle.fail(address);
    throw await failed(deps, row);
  }
  if (row.disabled === 1) throw new ParleyError('PARLEY_E_FORBIDDEN', { reason: 'this account is disabled' });
  return open(deps, row, address);
}

/** Counts a wrong password; at the limit, locks the account and starts the count again. */
async function failed(deps: SignInDeps, row: UserRow): Promise<ParleyError> {
  const failures = await countFailure(deps.db, row.id);
  if (failures < deps.policy.maxFailures) return wrong();
  const until = iso(deps.clock.now() + deps.policy.lockMs);
  await setUser(deps.db, row.id, { failed_logins: 0, locked_until: until });
  return new ParleyError('PARLEY_E_ACCOUNT_LOCKED', { until, failures });
}

async function open(deps: SignInDeps, row: UserRow, address: string): Promise<SignedIn> {
  const { db, clock, policy } = deps;
  const t = clock.now();
  if (row.failed_logins !== 0 || row.locked_until !== null) {
    await setUser(db, row.id, { failed_logins: 0, locked_until: null });
  }
  await purgeSessions(db, iso(t), iso(t - policy.idleMs));
  const token = randomBytes(32).toString('base64url');
  const session: SessionRow = {
    id: sessionIdOf(token),
    user_id: row.id,
    csrf: randomBytes(32).toString('base64url'),
    created_at: iso(t),
    expires_at: iso(t + policy.absoluteMs),
    last_seen_at: iso(t),
    address,
  };
  await insertSession(db, session);
  return { user: toUser({ ...row, failed_logins: 0, locked_until: null }, iso(t)), session, token };
}
