import type { Role, Session } from '@parley/contract';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { Accounts } from '../accounts/accounts.js';
import { accountsFor } from '../accounts/accounts-for.js';
import type { AccountPolicy } from '../accounts/policy.js';
import { ManualClock } from '../clock/clock.js';
import { installErrorHandler } from '../http/errors.js';
import { useStrictJson } from '../http/strict-json.js';
import type { DialectTarget } from '../store/_util.js';
import { consoleApi } from './console-api.js';
import { sessionCookie } from './cookies.js';
import type { ConsoleApiOptions } from './options.js';

export const password = 'correct horse battery staple';
export const t0 = Date.parse('2026-03-01T08:00:00.000Z');

/** A signed-in client: its cookie and CSRF token. */
export interface Client {
  name: string;
  cookie: string;
  csrf: string;
  session: Session;
}

export interface CallOptions {
  as?: Client;
  body?: unknown;
  /** The x-csrf-token header; defaults to the client's token, null leaves it out. */
  csrf?: string | null;
  address?: string;
}

/** The console API on a Fastify instance set up as the console port sets it up, over a real store. */
export class Harness {
  readonly app: FastifyInstance;
  readonly accounts: Accounts;
  readonly clock: ManualClock;
  #users = 0;

  constructor(app: FastifyInstance, accounts: Accounts, clock: ManualClock) {
    this.app = app;
    this.accounts = accounts;
    this.clock = clock;
  }

  /** Adds a user straight through the accounts store (as `parley user add` does). */
  async addUser(roles: Role[], name = `user-${++this.#users}`, secret = password) {
    return this.accounts.createUser({ name, roles, passwordHash: await this.accounts.hashPassword(secret) });
  }

  call(method: string, url: string, options: CallOptions = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    if (options.as) headers.cookie = `${sessionCookie}=${options.as.cookie}`;
    const csrf = options.csrf === undefined ? options.as?.csrf : options.csrf;
    if (csrf !== null && csrf !== undefined) headers['x-csrf-token'] = csrf;
    return this.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(options.body !== undefined ? { payload: options.body as object } : {}),
      ...(options.address ? { remoteAddress: options.address } : {}),
    });
  }

  async login(name: string, secret = password, address?: string): Promise<Client> {
    const res = await this.call('POST', '/api/v1/session', {
      body: { name, password: secret },
      ...(address ? { address } : {}),
    });
    if (res.statusCode !== 200) throw new Error(`login ${name}: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === sessionCookie)!.value;
    const session = res.json() as Session;
    return { name, cookie, csrf: session.csrfToken, session };
  }

  /** A new user holding `roles`, signed in. */
  async signedIn(roles: Role[]): Promise<Client> {
    const user = await this.addUser(roles);
    return this.login(user.name);
  }
}

/** Cheap hashes for tests: the cost is a parameter of the hash, so verification follows it. */
export const testPolicy: Partial<AccountPolicy> = { scryptLogN: 10 };

export async function apiHarness(
  target: DialectTarget,
  policy: Partial<AccountPolicy> = {},
  api: Pick<ConsoleApiOptions, 'ratePerMinute' | 'secureCookie'> = {},
): Promise<Harness> {
  const store = await target.open();
  const clock = new ManualClock(t0);
  const accounts = accountsFor(store, clock, { ...testPolicy, ...policy });
  const log = pino({ level: 'silent' });
  const app = Fastify({ logger: false });
  useStrictJson(app, 8 * 1024 * 1024);
  installErrorHandler(app, log);
  await app.register(consoleApi, { accounts, log, ...api });
  await app.ready();
  return new Harness(app, accounts, clock);
}

export { Accounts };

/** The `{ code, message }` of an error answer. */
export function failure(res: LightMyRequestResponse): { status: number; code: string; message: string } {
  const body = res.json() as { code: string; message: string };
  return { status: res.statusCode, code: body.code, message: body.message };
}
