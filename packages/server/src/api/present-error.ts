import { catalogue, limits, ParleyError } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { toParleyError } from '../http/errors.js';

const parts: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** The API's presenter for failures: a schema refusal names the part, field and rule; the rest as on every port. */
export function presentErrors(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error, request, reply) => {
    let parley: ParleyError;
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const size = request.headers['content-length'] ?? 'more than the limit';
      const limit = request.routeOptions.bodyLimit ?? limits.apiRequestBytes;
      parley = new ParleyError('PARLEY_E_OVERSIZE', { what: 'request body', size, limit });
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]!;
      parley = new ParleyError('PARLEY_E_INVALID_REQUEST', {
        part: parts[(error as { validationContext?: string }).validationContext ?? 'body'] ?? 'body',
        path: issue.instancePath.slice(1).replaceAll('/', '.') || '(root)',
        reason: issue.message ?? 'invalid',
      });
    } else parley = toParleyError(error, log);
    void reply.status(catalogue[parley.code].status).send(parley.toJSON());
  });
}
