import { type Agent, request as httpsRequest } from 'node:https';
import { limits, ParleyError } from '@parley/contract';
import { parseJson } from '@parley/record';
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
