import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { password } from './_browser.js';

/** Where a served node's console listens (serve.json). */
export function consoleUrl(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'serve.json'), 'utf8')) as { console: string }).console;
}

export interface ApiClient {
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
}

/**
 * The console API as a signed-in person, for setting the scene around what the
 * browser does (the browser tests check the UI, not these calls).
 */
export async function apiAs(base: string, name: string): Promise<ApiClient> {
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (!login.ok) throw new Error(`sign-in of ${name} answered ${login.status}: ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        cookie,
        ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken, 'content-type': 'application/json' }),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body ?? {}) };
}
