import assert from 'node:assert/strict';
import { it } from 'node:test';
import { roles } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { databaseOf } from './hotline-db.js';
import { actingPerson, personNamed, requirePermission } from './person.js';

forEachDialect('hotline people', (t) => {
  it('gives every role to the command line of a node without users, and says so', async () => {
    const store = await t.open();
    assert.deepEqual(await personNamed(store, 'cli'), { user: 'cli', roles: [...roles], provisional: true });
  });

  it('takes roles from the users table once it has users', async () => {
    const store = await t.open();
    const user = (name: string, r: string[], disabled = 0) => ({
      id: `id-${name}`,
      name,
      password_hash: 'x',
      roles: JSON.stringify(r),
      disabled,
      failed_logins: 0,
      locked_until: null,
      created_at: '2023-12-21T13:05:00.000Z',
    });
    await databaseOf(store)
      .insertInto('users')
      .values([user('ann', ['operator']), user('rex', ['releaser', 'analyst']), user('bob', ['operator'], 1)])
      .execute();
    assert.deepEqual(await personNamed(store, 'ann'), { user: 'ann', roles: ['operator'], provisional: false });
    assert.deepEqual(await actingPerson(store, 'rex'), {
      user: 'rex',
      roles: ['releaser', 'analyst'],
      provisional: false,
    });
    assert.deepEqual((await personNamed(store, 'bob')).roles, [], 'disabled');
    assert.deepEqual(await personNamed(store, 'cli'), { user: 'cli', roles: [], provisional: false });
    await assert.rejects(actingPerson(store, 'bob'), { message: 'forbidden: bob is not an enabled user of this node' });
    await assert.rejects(actingPerson(store, 'zed'), { code: 'PARLEY_E_FORBIDDEN' });
  });
});

it('names the roles a permission needs', () => {
  assert.throws(() => requirePermission({ user: 'eve', roles: [] }, 'messages.ack', 'acknowledge messages'), {
    message: 'forbidden: eve may not acknowledge messages: that needs the operator role (holds none)',
  });
  requirePermission({ user: 'ann', roles: ['analyst', 'operator'] }, 'messages.ack', 'acknowledge messages');
});
