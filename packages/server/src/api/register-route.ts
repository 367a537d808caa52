import { apiErrorSchema, isParleyError, limits, ParleyError } from '@parley/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Accounts } from '../accounts/accounts.js';
import type { OpContext } from '../runtime/operations.js';
import { actorOf, authenticate } from './authenticate.js';
import type { AuditNote, RouteDef } from './define-route.js';

export interface RouteDeps {
  accounts: Accounts;
  /** The scope's rate limiter (@fastify/rate-limit), placed first so it runs before anything else. */
  rateLimit: onRequestAsyncHookHandler;
  /** The node the routes act on; absent in harnesses of routes that need none. */
  ctx?: OpContext;
}

/** OpenAPI and Fastify's view of a route: its schemas, documented errors, security and tag. */
function schemaOf(def: RouteDef) {
  const needs: Record<string, string[]> = def.method === 'GET' ? { session: [] } : { session: [], csrf: [] };
  const security = def.permission === 'public' ? [] : [needs];
  const ok = def.produces
    ? { description: `${def.produces}: one item per line`, content: { [def.produces]: { schema: def.response } } }
    : def.response;
  return {
    summary: def.summary,
    description: def.permission === 'public' ? 'No session needed.' : `Needs permission \`${def.permission}\`.`,
    tags: [def.url.split('/')[1]!],
    security,
    ...(def.body ? { body: def.body } : {}),
    ...(def.query ? { querystring: def.query } : {}),
    ...(def.params ? { params: def.params } : {}),
    response: { [def.status ?? 200]: ok, '4xx': apiErrorSchema },
  };
}

/**
 * Registers one route: rate limit → authenticate → validate (Fastify, from the
 * zod schemas) → prepare → transaction → handler and audit entry → presenter.
 */
export function registerRoute(app: FastifyInstance, deps: RouteDeps, def: RouteDef): void {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: def.method,
    url: def.url,
    bodyLimit: def.bodyLimit ?? limits.apiRequestBytes,
    schema: schemaOf(def),
    onRequest: [deps.rateLimit, authenticate(def, deps.accounts)],
    handler: (request, reply) => run(def, deps, request, reply),
  });
}

/** The route's node context, or PARLEY_E_INTERNAL when the API was set up without a node (a harness of account routes). */
function contextOf(deps: RouteDeps): OpContext {
  if (deps.ctx) return deps.ctx;
  throw new ParleyError('PARLEY_E_INTERNAL', { reason: 'the console API was set up without a node' });
}

async function run(def: RouteDef, deps: RouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { accounts } = deps;
  const actor = actorOf(request);
  const audit: AuditNote = {};
  const { body, query, params } = request;
  const prepared = def.prepare ? await def.prepare({ body, accounts }) : undefined;
  const exec = async (bound: Accounts) => {
    const call = {
      body,
      query,
      params,
      actor,
      prepared,
      accounts: bound,
      address: request.ip,
      audit,
      reply,
      get ctx() {
        return contextOf(deps);
      },
    };
    const result = await def.handler(call);
    if (def.audit !== undefined && !audit.written) {
      await bound.audit({
        user: audit.user ?? actor?.user.name ?? null,
        action: def.audit,
        target: audit.target ?? null,
        address: request.ip,
        details: audit.details ?? {},
      });
    }
    return result;
  };
  const inTransaction = def.method !== 'GET' && def.transaction !== false;
  try {
    const result = inTransaction ? await accounts.transaction(exec) : await exec(accounts);
    return reply.status(def.status ?? 200).send(result);
  } catch (error) {
    // A rule's refusal (two-person release, …) of a route that says so is audited with its code, as permission refusals are.
    if (def.auditRefusals && def.audit !== undefined && isParleyError(error)) {
      await accounts.audit({
        user: actor?.user.name ?? null,
        action: def.audit,
        target: audit.target ?? null,
        address: request.ip,
        details: { ...(audit.details ?? {}), refused: error.code, reason: error.message },
      });
    }
    throw error;
  }
}
