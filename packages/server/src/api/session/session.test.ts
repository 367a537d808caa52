import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachDialect } from '../../store/_util.js';
import { apiHarness, failure, type Harness, password } from '../_util.js';

forEachDialect('console API: /session', (t) => {
  let h: Harness;
  before(async () => {
    h = await apiHarness(t);
  });

  it('GET without a session → 401', async () => {
    assert.deepEqual(failure(await h.call('GET', '/api/v1/session')), {
      status: 401,
      code: 'PARLEY_E_UNAUTHENTICATED',
      message: 'not authenticated: no session; sign in with POST /api/v1/session',
    });
  });

  it('POST with a bad body → 400 naming the field', async () => {
    const empty = await h.call('POST', '/api/v1/session', { body: { name: 'x', password: '' } });
    assert.deepEqual(failure(empty), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request body at password: must not be empty',
    });
    const extra = await h.call('POST', '/api/v1/session', { body: { name: 'x', password: 'y', remember: true } });
    assert.equal(failure(extra).message, 'invalid request body at (root): Unrecognized key: "remember"');
  });

  it('POST for a disabled account → 403, only with the right password', async () => {
    const user = await h.addUser(['operator']);
    await h.accounts.updateUser(user.id, { disabled: true });
    const wrong = await h.call('POST', '/api/v1/session', { body: { name: user.name, password: 'nope' } });
    assert.equal(failure(wrong).status, 401);
    const right = await h.call('POST', '/api/v1/session', { body: { name: user.name, password } });
    assert.deepEqual(failure(right), {
      status: 403,
      code: 'PARLEY_E_FORBIDDEN',
      message: 'forbidden: this account is disabled',
    });
  });

  it('DELETE without the CSRF header → 403 PARLEY_E_CSRF; with a wrong one too', async () => {
    const client = await h.signedIn(['analyst']);
    assert.deepEqual(failure(await h.call('DELETE', '/api/v1/session', { as: client, csrf: null })), {
      status: 403,
      code: 'PARLEY_E_CSRF',
      message: 'CSRF token missing',
    });
    assert.deepEqual(failure(await h.call('DELETE', '/api/v1/session', { as: client, csrf: 'x'.repeat(43) })), {
      status: 403,
      code: 'PARLEY_E_CSRF',
      message: 'CSRF token does not match the session',
    });
    const other = await h.signedIn(['analyst']);
    const crossed = await h.call('DELETE', '/api/v1/session', { as: client, csrf: other.csrf });
    assert.equal(failure(crossed).code, 'PARLEY_E_CSRF', "another session's token is no good");
    assert.equal((await h.call('GET', '/api/v1/session', { as: client })).statusCode, 200, 'still signed in');
  });

  it('signs in (cookie httpOnly, SameSite=Strict, Path=/api), answers who, signs out', async () => {
    const user = await h.addUser(['operator', 'translator']);
    const res = await h.call('POST', '/api/v1/session', { body: { name: user.name, password } });
    assert.equal(res.statusCode, 200, res.body);
    const cookie = res.cookies.find((c) => c.name === 'parley_session')!;
    assert.deepEqual(
      [cookie.httpOnly, cookie.sameSite, cookie.path, cookie.secure],
      [true, 'Strict', '/api', undefined],
    );
    const session = res.json();
    assert.deepEqual(session.user.roles, ['operator', 'translator']);
    assert.deepEqual(session.permissions, [
      'session.self',
      'messages.read',
      'messages.draft',
      'messages.ack',
      'translations.work',
      'attachments.write',
      'engagements.write',
      'commitments.write',
      'incidents.write',
      'notifications.write',
      'dashboards.read',
      'peers.read',
      'charter.read',
    ]);
    assert.equal(session.expiresAt, new Date(h.clock.now() + 12 * 3600_000).toISOString());
    assert.equal(session.idleTimeoutSeconds, 1800);
    const client = { name: user.name, cookie: cookie.value, csrf: session.csrfToken, session };
    const me = await h.call('GET', '/api/v1/session', { as: client });
    assert.deepEqual(me.json(), session);
    const out = await h.call('DELETE', '/api/v1/session', { as: client });
    assert.deepEqual([out.statusCode, out.json()], [200, { ok: true }]);
    assert.match(
      String(out.headers['set-cookie']),
      /^parley_session=; Max-Age=0; Path=\/api; Expires=.*; HttpOnly; SameSite=Strict$/,
    );
    assert.equal(
      failure(await h.call('GET', '/api/v1/session', { as: client })).message,
      'not authenticated: the session is unknown or has ended',
    );
  });

  it('a wrong password or an unknown name → 401 with the same message', async () => {
    const user = await h.addUser(['operator']);
    const wrong = await h.call('POST', '/api/v1/session', { body: { name: user.name, password: 'not it' } });
    const unknown = await h.call('POST', '/api/v1/session', { body: { name: 'nobody', password } });
    const expected = {
      status: 401,
      code: 'PARLEY_E_UNAUTHENTICATED',
      message: 'not authenticated: wrong name or password',
    };
    assert.deepEqual(failure(wrong), expected);
    assert.deepEqual(failure(unknown), expected);
  });

  it('audits sign-ins, failed sign-ins and sign-outs with the address', async () => {
    const user = await h.addUser(['analyst']);
    await h.call('POST', '/api/v1/session', { body: { name: user.name, password: 'bad' }, address: '10.9.8.7' });
    const client = await h.login(user.name, password, '10.9.8.7');
    await h.call('DELETE', '/api/v1/session', { as: client, address: '10.9.8.7' });
    const { entries } = await h.accounts.auditPage({}, undefined, 10);
    const mine = entries.filter((e) => e.target === user.name || e.user === user.name).reverse();
    assert.deepEqual(
      mine.map((e) => [e.action, e.user, e.target, e.address, e.details]),
      [
        ['session.login-failed', null, user.name, '10.9.8.7', { code: 'PARLEY_E_UNAUTHENTICATED' }],
        ['session.login', user.name, null, '10.9.8.7', {}],
        ['session.logout', user.name, null, '10.9.8.7', {}],
      ],
    );
    assert.ok(mine.every((e) => e.at === new Date(h.clock.now()).toISOString()));
  });
});
