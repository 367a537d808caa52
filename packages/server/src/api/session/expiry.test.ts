import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachDialect } from '../../store/_util.js';
import { apiHarness, failure, type Harness } from '../_util.js';

const minute = 60_000;

forEachDialect('console API: session expiry', (t) => {
  let h: Harness;
  before(async () => {
    h = await apiHarness(t);
  });

  it('ends a session after 30 idle minutes', async () => {
    const client = await h.signedIn(['operator']);
    h.clock.advance(29 * minute);
    assert.equal((await h.call('GET', '/api/v1/session', { as: client })).statusCode, 200);
    h.clock.advance(29 * minute);
    assert.equal((await h.call('GET', '/api/v1/session', { as: client })).statusCode, 200, 'activity keeps it alive');
    h.clock.advance(30 * minute);
    assert.deepEqual(failure(await h.call('GET', '/api/v1/session', { as: client })), {
      status: 401,
      code: 'PARLEY_E_UNAUTHENTICATED',
      message: 'not authenticated: the session has expired',
    });
    const again = await h.call('GET', '/api/v1/session', { as: client });
    assert.equal(failure(again).message, 'not authenticated: the session is unknown or has ended', 'it is gone');
  });

  it('ends a session 12 hours after sign-in, however busy', async () => {
    const client = await h.signedIn(['analyst']);
    for (let i = 0; i < 12 * 3 - 1; i++) {
      h.clock.advance(20 * minute);
      assert.equal((await h.call('GET', '/api/v1/session', { as: client })).statusCode, 200, `after ${i + 1} × 20 min`);
    }
    h.clock.advance(20 * minute);
    assert.equal(
      failure(await h.call('GET', '/api/v1/session', { as: client })).message,
      'not authenticated: the session has expired',
    );
  });

  it('takes the idle and absolute limits from the policy', async () => {
    const short = await apiHarness(t, { idleMs: 5 * minute, absoluteMs: 60 * minute });
    const client = await short.signedIn(['operator']);
    assert.equal(client.session.idleTimeoutSeconds, 300);
    assert.equal(client.session.expiresAt, new Date(short.clock.now() + 60 * minute).toISOString());
    short.clock.advance(5 * minute);
    assert.equal((await short.call('GET', '/api/v1/session', { as: client })).statusCode, 401);
  });
});
