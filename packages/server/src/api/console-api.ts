import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ParleyError } from '@parley/contract';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { sessionCookie } from './cookies.js';
import { endStreams } from './events/index.js';
import { relayEntries, watchLinks } from './events/relay.js';
import type { ConsoleApiOptions } from './options.js';
import { presentErrors } from './present-error.js';
import { registerRoute } from './register-route.js';
import { apiRoutes } from './routes.js';

export const apiPrefix = '/api/v1';
export const docsPrefix = '/api/docs';

const openapi = {
  openapi: '3.1.0',
  info: {
    title: 'Parley console API',
    version: '1',
    description:
      'Sign in with POST /api/v1/session; send the returned csrfToken as x-csrf-token on every other method than GET. Errors: docs/errors.md.',
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey' as const, in: 'cookie', name: sessionCookie },
      csrf: { type: 'apiKey' as const, in: 'header', name: 'x-csrf-token' },
    },
  },
};

/**
 * The console API: /api/v1 (routes from routes.ts), its OpenAPI document at
 * /api/docs/json and a readable page at /api/docs (assets served from the
 * package, no CDN). Register it on the console port's Fastify instance.
 */
export async function consoleApi(app: FastifyInstance, options: ConsoleApiOptions): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  presentErrors(app, options.log);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    max: options.ratePerMinute ?? 600,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const token = request.cookies[sessionCookie];
      return token ? `s:${createHash('sha256').update(token).digest('hex')}` : `a:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      Object.assign(new ParleyError('PARLEY_E_RATE_LIMIT', { reason: `over ${context.max} requests per minute` }), {
        statusCode: 429,
      }),
  });
  await app.register(swagger, { openapi, transform: jsonSchemaTransform, transformObject: jsonSchemaTransformObject });
  await app.register(swaggerUi, { routePrefix: docsPrefix, staticCSP: true });
  const deps = {
    accounts: options.accounts,
    rateLimit: app.rateLimit() as onRequestAsyncHookHandler,
    ...(options.ctx ? { ctx: options.ctx } : {}),
  };
  const routes = apiRoutes({ secureCookie: options.secureCookie ?? false });
  if (options.ctx) {
    relayEntries(options.ctx.open.node);
    if (options.ctx.link) {
      const stop = watchLinks(options.ctx.open.node, options.ctx.link);
      app.addHook('onClose', async () => stop());
    }
  }
  await app.register(
    async (v1) => {
      // Live event streams never end by themselves: end them so closing the server does not wait on them.
      v1.addHook('preClose', async () => endStreams(v1));
      for (const def of routes) registerRoute(v1, deps, def);
    },
    { prefix: apiPrefix },
  );
}
