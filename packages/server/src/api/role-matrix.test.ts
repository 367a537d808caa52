import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { can, roles } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { apiHarness, type CallOptions, failure, type Harness, password } from './_util.js';
import type { RouteDef } from './define-route.js';
import { apiRoutes } from './routes.js';

/** A well-formed request for each route, so that only the permission can refuse it. */
const samples: Record<string, () => { url: string; body?: unknown }> = {
  'GET /session': () => ({ url: '/session' }),
  'DELETE /session': () => ({ url: '/session' }),
  'GET /users': () => ({ url: '/users' }),
  'POST /users': () => ({
    url: '/users',
    body: { name: `m-${randomUUID().slice(0, 8)}`, roles: ['analyst'], password },
  }),
  'PATCH /users/:id': () => ({ url: `/users/${randomUUID()}`, body: { disabled: false } }),
  'GET /audit': () => ({ url: '/audit' }),
  'GET /audit/export': () => ({ url: '/audit/export' }),
};

const key = (def: RouteDef) => `${def.method} ${def.url}`;
const routes = apiRoutes({ secureCookie: false }).filter((def) => def.permission !== 'public');

describe('role × route matrix', () => {
  it('has a sample request for every route that needs a session', () => {
    assert.deepEqual(
      routes.map(key).filter((k) => !samples[k]),
      [],
    );
  });
});

forEachDialect('role × route matrix', (t) => {
  let h: Harness;
  before(async () => {
    h = await apiHarness(t);
  });

  for (const def of routes) {
    for (const role of roles) {
      const allowed = can([role], def.permission as never);
      it(`${key(def)} as ${role}: ${allowed ? 'allowed' : '403'} (${def.permission})`, async () => {
        const client = await h.signedIn([role]);
        const sample = samples[key(def)]!();
        const options: CallOptions = { as: client, ...(sample.body !== undefined ? { body: sample.body } : {}) };
        const res = await h.call(def.method, `/api/v1${sample.url}`, options);
        if (allowed) {
          assert.notEqual(res.statusCode, 403, res.body);
          assert.ok(res.statusCode < 500, res.body);
        } else {
          assert.deepEqual([res.statusCode, failure(res).code], [403, 'PARLEY_E_FORBIDDEN']);
        }
      });
    }
  }
});
