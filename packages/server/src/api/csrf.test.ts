import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { type Permission, permissions } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { apiHarness, failure, type Harness } from './_util.js';
import { apiRoutes } from './routes.js';

const mutating = apiRoutes({ secureCookie: false }).filter((d) => d.method !== 'GET' && d.permission !== 'public');

forEachDialect('CSRF on every route that changes something', (t) => {
  let h: Harness;
  before(async () => {
    h = await apiHarness(t);
  });

  for (const def of mutating) {
    const url = `/api/v1${def.url.replace(':id', '00000000-0000-4000-8000-000000000000')}`;
    it(`${def.method} ${def.url}: 403 PARLEY_E_CSRF without the header or with a wrong one, audited`, async () => {
      const client = await h.signedIn([permissions[def.permission as Permission][0]!]);
      const missing = await h.call(def.method, url, { as: client, csrf: null, body: {} });
      assert.deepEqual(failure(missing), { status: 403, code: 'PARLEY_E_CSRF', message: 'CSRF token missing' });
      const wrong = await h.call(def.method, url, { as: client, csrf: `${client.csrf.slice(1)}A`, body: {} });
      assert.deepEqual(failure(wrong), {
        status: 403,
        code: 'PARLEY_E_CSRF',
        message: 'CSRF token does not match the session',
      });
      const { entries } = await h.accounts.auditPage({ user: client.name, action: def.audit! }, undefined, 5);
      assert.deepEqual(
        entries.map((e) => e.details.refused),
        ['PARLEY_E_CSRF', 'PARLEY_E_CSRF'],
      );
    });
  }
});
