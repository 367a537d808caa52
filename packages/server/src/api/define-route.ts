import type { Readable } from 'node:stream';
import type { Permission, User } from '@parley/contract';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Accounts } from '../accounts/accounts.js';
import type { SessionRow } from '../accounts/session-rows.js';
import type { OpContext } from '../runtime/operations.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The signed-in user behind a request. */
export interface Actor {
  user: User;
  session: SessionRow;
}

/** What a handler adds to its route's audit entry (who, what, when and where are filled in). */
export interface AuditNote {
  /** The acting user's name when no session names it (a sign-in). */
  user?: string;
  target?: string;
  details?: Record<string, unknown>;
  /**
   * The handler wrote the audit entry itself, in the action's own
   * transaction (a sent message's: docs/decisions/0017); none is added after.
   */
  written?: boolean;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteCall<B, Q, P, A, X = undefined> {
  body: B;
  query: Q;
  params: P;
  actor: A;
  /** What `prepare` made, outside the transaction. */
  prepared: X;
  /** Bound to the route's transaction when it has one: use this, not another handle on the database. */
  accounts: Accounts;
  /** The client's address. */
  address: string;
  /** The node behind the console (its store, config, the live link when serving). */
  ctx: OpContext;
  audit: AuditNote;
  reply: FastifyReply;
}

export interface RouteSpec<
  Perm extends Permission | 'public',
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
  R extends z.ZodType,
  X = undefined,
> {
  method: Method;
  /** Below /api/v1. */
  url: string;
  summary: string;
  /** The permission (contract permission table) a caller needs, or 'public' for sign-in. */
  permission: Perm;
  /** The audit action written when the handler succeeds; every method but GET must name one. */
  audit?: string;
  status?: 200 | 201;
  body?: B;
  query?: Q;
  params?: P;
  response: R;
  /** A streamed answer of this media type; `response` then documents one item of it. */
  produces?: string;
  /** Mutating routes run in one transaction with their audit entry unless this is false. */
  transaction?: boolean;
  /**
   * Audit the handler's refusals too (`details.refused`: the error code), for
   * routes with `transaction: false` whose rules refuse people (the hotline's
   * two-person release). Without it a refused change leaves no audit entry.
   */
  auditRefusals?: boolean;
  /** The largest request body in bytes (limits.apiRequestBytes unless a route, e.g. an upload, needs more). */
  bodyLimit?: number;
  /** Slow work on the validated input (hashing a password) done before the transaction, so no lock waits on it. */
  prepare?(call: { body: Out<B>; accounts: Accounts }): Promise<X>;
  handler(
    call: RouteCall<Out<B>, Out<Q>, Out<P>, Perm extends 'public' ? undefined : Actor, X>,
  ): Promise<z.output<R> | Readable>;
}

// biome-ignore lint/suspicious/noExplicitAny: the type-erased form every spec fits, for the route table.
export type RouteDef = RouteSpec<Permission | 'public', any, any, any, any, any>;

/**
 * Declares one console API operation from its schemas. Registration
 * (register-route.ts) gives every route the same order: rate limit →
 * authenticate (session, CSRF, permission) → validate → prepare →
 * transaction → handler and audit entry → presenter.
 */
export function defineRoute<
  const Perm extends Permission | 'public',
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
  X = undefined,
>(spec: RouteSpec<Perm, B, Q, P, R, X>): RouteDef {
  if (spec.method !== 'GET' && spec.audit === undefined) {
    throw new Error(`${spec.method} ${spec.url} changes something and must name its audit action`);
  }
  return spec as unknown as RouteDef;
}
