import { randomUUID } from 'node:crypto';
import { type AuditEntry, type AuditFilter, type CreateUser, ParleyError, type User } from '@parley/contract';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../store/database.js';
import { AddressThrottle } from './address-throttle.js';
import { type AuditInput, appendAudit, auditPage, auditRows } from './audit-rows.js';
import { hashPassword } from './password.js';
import { type AccountPolicy, defaultPolicy } from './policy.js';
import { deleteSession, type SessionRow, sessionWithUser, touchSession } from './session-rows.js';
import { type SignedIn, type SignInDeps, sessionIdOf, signIn } from './sign-in.js';
import { changeUser, type UserChanges } from './update-user.js';
import { allUsers, insertUser, toUser, userBy } from './user-rows.js';

/** Re-stamping last_seen_at on every request would make every read a write; within this much it is left. */
const touchEveryMs = 5_000;

export interface Authenticated {
  user: User;
  session: SessionRow;
}

/** A user to add, its password already hashed (see hashPassword). */
export type NewUser = Omit<CreateUser, 'password'> & { passwordHash: string };

interface Shared {
  clock: Clock;
  policy: AccountPolicy;
  throttle: AddressThrottle;
  dummy?: Promise<string>;
}

/**
 * Console users, their sessions and the node's audit log, over the store's
 * Kysely database. Methods on an instance made by {@link transaction} run in
 * that transaction.
 */
export class Accounts {
  readonly #db: Kysely<Database>;
  #shared: Shared;

  constructor(db: Kysely<Database>, clock: Clock, policy: Partial<AccountPolicy> = {}) {
    const full = { ...defaultPolicy, ...policy };
    this.#db = db;
    this.#shared = {
      clock,
      policy: full,
      throttle: new AddressThrottle(clock, full.addressFailures, full.addressWindowMs),
    };
  }

  get policy(): AccountPolicy {
    return this.#shared.policy;
  }

  now(): string {
    return new Date(this.#shared.clock.now()).toISOString();
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (accounts: Accounts) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return this.#db.transaction().execute((trx) => fn(this.#with(trx)));
  }

  async listUsers(): Promise<User[]> {
    const now = this.now();
    return (await allUsers(this.#db)).map((row) => toUser(row, now));
  }

  async getUser(id: string): Promise<User> {
    const row = await userBy(this.#db, 'id', id);
    if (!row) throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'user', id });
    return toUser(row, this.now());
  }

  /** Hashes a password at the policy's cost: slow on purpose, so do it before a transaction, not in one. */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.policy.scryptLogN);
  }

  async createUser(input: NewUser): Promise<User> {
    const row = {
      id: randomUUID(),
      name: input.name,
      password_hash: input.passwordHash,
      roles: JSON.stringify(input.roles),
      disabled: 0,
      failed_logins: 0,
      locked_until: null,
      created_at: this.now(),
    };
    if (!(await insertUser(this.#db, row))) throw new ParleyError('PARLEY_E_USER_EXISTS', { name: input.name });
    return toUser(row, row.created_at);
  }

  /** Changes roles, disabled or the password hash (see update-user.ts for what each also does). */
  async updateUser(id: string, changes: UserChanges): Promise<User> {
    await changeUser(this.#db, id, changes);
    return this.getUser(id);
  }

  signIn(name: string, password: string, address: string): Promise<SignedIn> {
    return signIn(this.#signInDeps(), name, password, address);
  }

  /** The session a cookie's token names, if it is live; it counts as activity. */
  async authenticate(token: string | undefined): Promise<Authenticated> {
    const unauthenticated = (reason: string) => new ParleyError('PARLEY_E_UNAUTHENTICATED', { reason });
    if (!token) throw unauthenticated('no session; sign in with POST /api/v1/session');
    const found = await sessionWithUser(this.#db, sessionIdOf(token));
    if (!found) throw unauthenticated('the session is unknown or has ended');
    const { session, user } = found;
    const t = this.#shared.clock.now();
    const idleEnd = Date.parse(session.last_seen_at) + this.policy.idleMs;
    if (t >= Date.parse(session.expires_at) || t >= idleEnd || user.disabled === 1) {
      await deleteSession(this.#db, session.id);
      throw unauthenticated(user.disabled === 1 ? 'the account is disabled' : 'the session has expired');
    }
    const now = new Date(t).toISOString();
    if (t - Date.parse(session.last_seen_at) >= touchEveryMs) await touchSession(this.#db, session.id, now);
    return { user: toUser(user, now), session: { ...session, last_seen_at: now } };
  }

  signOut(sessionId: string): Promise<void> {
    return deleteSession(this.#db, sessionId);
  }

  audit(entry: AuditInput): Promise<void> {
    return appendAudit(this.#db, this.now(), entry);
  }

  auditPage(filter: AuditFilter, before: number | undefined, limit: number) {
    return auditPage(this.#db, filter, before, limit);
  }

  auditRows(filter: AuditFilter): AsyncGenerator<AuditEntry> {
    return auditRows(this.#db, filter);
  }

  #signInDeps(): SignInDeps {
    const shared = this.#shared;
    return {
      db: this.#db,
      ...shared,
      dummyHash: () => (shared.dummy ??= hashPassword('not a password', shared.policy.scryptLogN)),
    };
  }

  #with(db: Kysely<Database>): Accounts {
    const bound = new Accounts(db, this.#shared.clock, this.#shared.policy);
    bound.#shared = this.#shared;
    return bound;
  }
}
