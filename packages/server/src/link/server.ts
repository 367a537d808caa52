import type { ServerOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import rateLimit from '@fastify/rate-limit';
import { limits, ParleyError } from '@parley/contract';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientErrorHandler, installErrorHandler } from '../http/errors.js';
import { useStrictJson } from '../http/strict-json.js';
import type { LinkContext } from './context.js';
import { blobsRoute } from './routes/blobs.js';
import { chartersRoute } from './routes/charters.js';
import { heartbeatRoute } from './routes/heartbeat.js';
import { pullRoute } from './routes/pull.js';
import { pushRoute } from './routes/push.js';

export interface LinkServerOptions {
  tls: ServerOptions;
  /** The pinned party behind a TLS socket, or undefined (then the request is refused). */
  peerOf: (socket: TLSSocket) => string | undefined;
  /** Requests per peer per second before PARLEY_E_RATE_LIMIT. */
  ratePerSecond?: number;
  /** A request body must arrive within this time (slow-body defence). */
  requestTimeoutMs?: number;
}

/**
 * The node-to-node API over pinned mutual TLS 1.3. Route order is fixed:
 * identify the peer (TLS) → rate limit → parse strictly → validate → handler.
 */
export async function createLinkServer(ctx: LinkContext, options: LinkServerOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? 15_000;
  const app = Fastify({
    // Slow-body defence, as Node enforces it: overdue requests are looked for every
    // connectionsCheckingInterval (30 s by default), and a headersTimeout above requestTimeout
    // (60 s by default) is swapped with it, so both must be set here or a body may dribble for 60–90 s.
    https: {
      ...options.tls,
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(1000, Math.max(100, requestTimeout / 4)),
    },
    bodyLimit: limits.linkRequestBytes,
    requestTimeout,
    connectionTimeout: 30_000,
    keepAliveTimeout: 60_000,
    logger: false,
    clientErrorHandler,
  });
  app.decorateRequest('peer', '');
  app.addHook('onRequest', async (request) => {
    const peer = options.peerOf(request.raw.socket as TLSSocket);
    if (!peer) throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: 'unpinned client', channel: '-' });
    request.peer = peer;
    ctx.onContact?.(peer);
  });
  await app.register(rateLimit, {
    max: options.ratePerSecond ?? 200,
    timeWindow: 1000,
    keyGenerator: (request) => request.peer || request.ip,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new ParleyError('PARLEY_E_RATE_LIMIT', { reason: `over ${context.max} requests per second` }), {
        statusCode: 429,
      }),
  });
  useStrictJson(app, limits.linkRequestBytes);
  installErrorHandler(app, ctx.log);
  pushRoute(app, ctx);
  pullRoute(app, ctx);
  heartbeatRoute(app, ctx);
  chartersRoute(app, ctx);
  blobsRoute(app, ctx);
  return app;
}
