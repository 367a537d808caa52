import { parseJson } from '@parley/record';
import type { FastifyInstance } from 'fastify';

/** Replaces Fastify's JSON parser with the strict one: duplicate keys and lone surrogates are refused. */
export function useStrictJson(app: FastifyInstance, bodyLimit: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseJson(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
