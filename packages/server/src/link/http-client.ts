import { type Agent, request as httpsRequest } from 'node:https';
import { catalogue, type ErrorCode, limits, ParleyError, wireErrorSchema } from '@parley/contract';
import { parseJson } from '@parley/record';
import type { z } from 'zod';
import { JsonText } from './wire.js';

export interface LinkResponse {
  status: number;
  body: unknown;
}

/**
 * One HTTPS request to a peer over its pinned agent. The answer is hostile
 * input: its size is bounded and it is parsed strictly. A JsonText body is
 * sent as written. `signal` abandons it (rejecting with an AbortError).
 */
export function linkRequest(
  agent: Agent,
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<LinkResponse> {
  const url = new URL(path, base);
  const payload =
    body === undefined ? undefined : Buffer.from(body instanceof JsonText ? body.text : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        agent,
        timeout: timeoutMs,
        ...(signal ? { signal } : {}),
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.byteLength } : {},
      },
      (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > limits.linkRequestBytes * 2) {
            req.destroy(
              new ParleyError('PARLEY_E_OVERSIZE', { what: 'peer answer', size, limit: limits.linkRequestBytes * 2 }),
            );
          } else parts.push(chunk);
        });
        res.on('end', () => {
          try {
            const text = Buffer.concat(parts);
            resolve({ status: res.statusCode ?? 0, body: text.byteLength ? parseJson(text) : undefined });
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The peer's refusal, when an answer is not 2xx and carries an error as the
 * link sends them (`{ code, message, details }`): that error, with the peer's
 * code and details (its message is rebuilt from our catalogue: the text the
 * peer wrote is not repeated); a code our catalogue lacks (a newer peer's)
 * is PARLEY_E_SCHEMA naming it. Else undefined: a 2xx answer, or one the
 * caller's own schema must judge (a push answer carrying an error beside
 * the peer's heads, say).
 */
export function refusalOf(res: LinkResponse): ParleyError | undefined {
  if (res.status >= 200 && res.status <= 299) return undefined;
  const wire = wireErrorSchema.safeParse(res.body);
  return wire.success ? peerError(wire.data) : undefined;
}

/** An error as the peer sent it (see refusalOf). */
export function peerError(wire: z.infer<typeof wireErrorSchema>): ParleyError {
  if (Object.hasOwn(catalogue, wire.code)) return new ParleyError(wire.code as ErrorCode, wire.details);
  return new ParleyError('PARLEY_E_SCHEMA', {
    type: 'peer answer',
    path: 'code',
    reason: `not in the catalogue: ${wire.code.slice(0, 64)}`,
  });
}
