import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { type Permission, permissions, type Role, roles } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { apiHarness, failure, type Harness } from './_util.js';
import { apiRoutes } from './routes.js';

const guarded = apiRoutes({ secureCookie: false }).filter((d) => d.permission !== 'public');
const urlOf = (url: string) => `/api/v1${url.replace(':id', 'not-a-uuid')}`;
const outsider = (p: Permission): Role | undefined =>
  roles.find((r) => !(permissions[p] as readonly Role[]).includes(r));

forEachDialect('route order: rate limit → authenticate → validate', (t) => {
  let h: Harness;
  before(async () => {
    h = await apiHarness(t);
  });

  for (const def of guarded) {
    it(`${def.method} ${def.url}: 401 before bad input is looked at`, async () => {
      const res = await h.call(def.method, `${urlOf(def.url)}?limit=-1`, { body: { nonsense: true } });
      assert.equal(failure(res).code, 'PARLEY_E_UNAUTHENTICATED');
    });

    const role = outsider(def.permission as Permission);
    if (role) {
      it(`${def.method} ${def.url}: 403 for ${role} before bad input is looked at`, async () => {
        const client = await h.signedIn([role]);
        const res = await h.call(def.method, `${urlOf(def.url)}?limit=-1`, { as: client, body: { nonsense: true } });
        assert.equal(failure(res).code, 'PARLEY_E_FORBIDDEN');
      });
    }
  }

  it('refuses a body over the API limit (64 KiB) with 413, after authentication', async () => {
    const admin = await h.signedIn(['admin']);
    const body = { name: 'big', roles: ['admin'], password: 'x'.repeat(70_000) };
    const size = Buffer.byteLength(JSON.stringify(body));
    assert.deepEqual(failure(await h.call('POST', '/api/v1/users', { as: admin, body })), {
      status: 413,
      code: 'PARLEY_E_OVERSIZE',
      message: `request body is ${size} bytes, over the limit of 65536`,
    });
    assert.equal(failure(await h.call('POST', '/api/v1/users', { body })).status, 401);
  });

  it('rate-limits per session, and per address before sign-in, ahead of authentication', async () => {
    const limited = await apiHarness(t, {}, { ratePerMinute: 3 });
    for (let i = 0; i < 3; i++)
      assert.equal((await limited.call('GET', '/api/v1/users', { address: '10.1.1.1' })).statusCode, 401);
    assert.deepEqual(failure(await limited.call('GET', '/api/v1/users', { address: '10.1.1.1' })), {
      status: 429,
      code: 'PARLEY_E_RATE_LIMIT',
      message: 'rate limit exceeded: over 3 requests per minute',
    });
    const client = await limited.signedIn(['admin']);
    for (let i = 0; i < 3; i++)
      assert.equal((await limited.call('GET', '/api/v1/users', { as: client })).statusCode, 200);
    assert.equal(failure(await limited.call('GET', '/api/v1/users', { as: client })).code, 'PARLEY_E_RATE_LIMIT');
  });
});
