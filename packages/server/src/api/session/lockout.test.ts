import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachDialect } from '../../store/_util.js';
import { apiHarness, failure, type Harness, password } from '../_util.js';

const minute = 60_000;

forEachDialect('console API: sign-in throttling and lockout', (t) => {
  let h: Harness;
  before(async () => {
    h = await apiHarness(t);
  });

  const attempt = (name: string, secret: string, address: string) =>
    h.call('POST', '/api/v1/session', { body: { name, password: secret }, address });

  it('locks an account for 15 minutes after 5 wrong passwords in a row, even against the right one', async () => {
    const user = await h.addUser(['operator']);
    for (let i = 1; i <= 4; i++) assert.equal((await attempt(user.name, `wrong ${i}`, '10.0.0.1')).statusCode, 401);
    const until = new Date(h.clock.now() + 15 * minute).toISOString();
    assert.deepEqual(failure(await attempt(user.name, 'wrong 5', '10.0.0.1')), {
      status: 423,
      code: 'PARLEY_E_ACCOUNT_LOCKED',
      message: `account locked until ${until} after 5 failed sign-ins`,
    });
    assert.equal(failure(await attempt(user.name, password, '10.0.0.2')).code, 'PARLEY_E_ACCOUNT_LOCKED');
    assert.equal((await h.accounts.getUser(user.id)).lockedUntil, until);
    h.clock.advance(15 * minute);
    assert.equal((await attempt(user.name, password, '10.0.0.2')).statusCode, 200);
    assert.equal((await h.accounts.getUser(user.id)).lockedUntil, null);
  });

  it('a success resets the count of wrong passwords', async () => {
    const user = await h.addUser(['operator']);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) assert.equal((await attempt(user.name, 'wrong', '10.0.1.1')).statusCode, 401);
      assert.equal((await attempt(user.name, password, '10.0.1.1')).statusCode, 200);
    }
  });

  it('an admin password reset ends the lockout', async () => {
    const user = await h.addUser(['operator']);
    for (let i = 0; i < 5; i++) await attempt(user.name, 'wrong', '10.0.2.1');
    const admin = await h.signedIn(['admin']);
    const reset = await h.call('PATCH', `/api/v1/users/${user.id}`, {
      as: admin,
      body: { password: 'a new long password' },
    });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal((await attempt(user.name, 'a new long password', '10.0.2.1')).statusCode, 200);
  });

  it('refuses an address after 20 failed sign-ins in 15 minutes, whatever the names', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await attempt(`nobody-${i}`, 'x', '10.0.3.1')).statusCode, 401);
    const user = await h.addUser(['operator']);
    assert.deepEqual(failure(await attempt(user.name, password, '10.0.3.1')), {
      status: 429,
      code: 'PARLEY_E_RATE_LIMIT',
      message: 'rate limit exceeded: too many failed sign-ins from this address; try again in 900 s',
    });
    assert.equal((await attempt(user.name, password, '10.0.3.2')).statusCode, 200, 'other addresses are not held up');
    h.clock.advance(15 * minute);
    assert.equal((await attempt(user.name, password, '10.0.3.1')).statusCode, 200);
  });
});
