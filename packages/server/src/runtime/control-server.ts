import { timingSafeEqual } from 'node:crypto';
import { ParleyError } from '@parley/contract';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { accountsFor } from '../accounts/accounts-for.js';
import { consoleApi } from '../api/console-api.js';
import { installErrorHandler } from '../http/errors.js';
import { useStrictJson } from '../http/strict-json.js';
import { consoleStatic } from './console-static.js';
import type { Metrics } from './metrics.js';
import { type OpContext, type OperationName, operations } from './operations.js';

export interface ControlServerOptions {
  ctx: OpContext;
  token: string;
  log: Logger;
  metrics: Metrics;
}

/**
 * The console port: health and metrics for operations, the control API
 * through which the CLI runs commands while `parley serve` runs (so a `send`
 * is pushed at once), and the console API under /api (api/console-api.ts).
 * Listens on 127.0.0.1 by default; control calls need the data directory's
 * token, console API calls a signed-in session.
 */
export async function createControlServer(options: ControlServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  useStrictJson(app, 8 * 1024 * 1024);
  installErrorHandler(app, options.log);
  const expected = Buffer.from(options.token);

  app.get('/healthz', async (_request, reply) => {
    try {
      await options.ctx.open.store.listChannels();
      return { ok: true, party: options.ctx.open.config.party };
    } catch {
      return reply.status(503).send({ ok: false });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    await options.metrics.collect();
    return reply.type(options.metrics.contentType).send(await options.metrics.text());
  });

  app.post<{ Params: { op: string } }>('/control/v1/:op', async (request) => {
    const given = Buffer.from((request.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ParleyError('PARLEY_E_UNAUTHENTICATED', { reason: 'control token missing or wrong' });
    }
    const op = operations[request.params.op as OperationName];
    if (!op) throw new ParleyError('PARLEY_E_USAGE', { reason: `unknown operation ${request.params.op}` });
    options.log.info({ op: request.params.op }, 'control operation');
    return op(options.ctx, (request.body ?? {}) as Record<string, unknown>);
  });

  const { open } = options.ctx;
  const cfg = open.config.console;
  const accounts = accountsFor(open.store, open.node.clock, {
    ...(cfg.sessionIdleMinutes ? { idleMs: cfg.sessionIdleMinutes * 60_000 } : {}),
    ...(cfg.sessionHours ? { absoluteMs: cfg.sessionHours * 3_600_000 } : {}),
  });
  await app.register(consoleApi, {
    accounts,
    log: options.log,
    secureCookie: cfg.secureCookie ?? false,
    ctx: options.ctx,
  });
  // The browser console at / (packages/console), with its Content-Security-Policy.
  await app.register(consoleStatic, {});
  return app;
}
