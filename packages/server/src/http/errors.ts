import { catalogue, isParleyError, limits, ParleyError } from '@parley/contract';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Maps any thrown error to a catalogued one; internals stay in the log, never in the answer. */
export function toParleyError(error: unknown, log?: Logger): ParleyError {
  if (isParleyError(error)) return error;
  const e = error as FastifyError & { validation?: Array<{ instancePath?: string; message?: string }> };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ParleyError('PARLEY_E_OVERSIZE', {
        what: 'request body',
        size: 'more than the limit',
        limit: limits.linkRequestBytes,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ParleyError('PARLEY_E_USAGE', { reason: e.message });
    default:
      break;
  }
  if (e.statusCode === 429) return new ParleyError('PARLEY_E_RATE_LIMIT', { reason: e.message });
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new ParleyError('PARLEY_E_USAGE', { reason: e.message });
  }
  log?.error({ err: error }, 'internal error');
  return new ParleyError('PARLEY_E_INTERNAL');
}

/**
 * Answers errors Node's HTTP parser raises before any route runs (a body too
 * slow, headers too large, garbage) in the same catalogued form, then closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  const [status, parley] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, new ParleyError('PARLEY_E_TIMEOUT', { reason: 'the request did not arrive in time' })]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            new ParleyError('PARLEY_E_OVERSIZE', {
              what: 'request headers',
              size: 'more than the limit',
              limit: 16384,
            }),
          ]
        : [400, new ParleyError('PARLEY_E_USAGE', { reason: 'malformed HTTP request' })];
  if (socket.writable) {
    const body = JSON.stringify(parley.toJSON());
    socket.end(
      `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  } else socket.destroy();
}

/** Installs the one error presenter: `{ code, message, details }` with the catalogue's status. */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error, _request, reply) => {
    const parley = toParleyError(error, log);
    void reply.status(catalogue[parley.code].status).send(parley.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(new ParleyError('PARLEY_E_USAGE', { reason: `no route ${request.method} ${request.url}` }).toJSON());
  });
}

/** Validates `input` with a zod schema, throwing PARLEY_E_SCHEMA naming the field. */
export function parseWith<T>(
  schema: {
    safeParse(
      x: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  input: unknown,
  type: string,
): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ParleyError('PARLEY_E_SCHEMA', {
    type,
    path: issue.path.map(String).join('.') || '(root)',
    reason: issue.message,
  });
}
