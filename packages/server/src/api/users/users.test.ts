import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { forEachDialect } from '../../store/_util.js';
import { apiHarness, type Client, failure, type Harness, password } from '../_util.js';

forEachDialect('console API: /users', (t) => {
  let h: Harness;
  let admin: Client;
  let operator: Client;
  before(async () => {
    h = await apiHarness(t);
    admin = await h.signedIn(['admin']);
    operator = await h.signedIn(['operator']);
  });

  describe('GET /users', () => {
    it('401 without a session', async () => {
      assert.equal(failure(await h.call('GET', '/api/v1/users')).code, 'PARLEY_E_UNAUTHENTICATED');
    });

    it('has no 400: it takes no input (stray query fields are ignored)', async () => {
      assert.equal((await h.call('GET', '/api/v1/users?x=1', { as: admin })).statusCode, 200);
    });

    it('403 for an operator', async () => {
      assert.deepEqual(failure(await h.call('GET', '/api/v1/users', { as: operator })), {
        status: 403,
        code: 'PARLEY_E_FORBIDDEN',
        message: 'forbidden: users.read needs the role admin',
      });
    });

    it('lists users by name, without password hashes', async () => {
      const res = await h.call('GET', '/api/v1/users', { as: admin });
      assert.equal(res.statusCode, 200);
      const { users } = res.json();
      assert.deepEqual(
        users.map((u: { name: string; roles: string[] }) => [u.name, u.roles]),
        [
          [admin.name, ['admin']],
          [operator.name, ['operator']],
        ],
      );
      assert.deepEqual(Object.keys(users[0]).sort(), ['createdAt', 'disabled', 'id', 'lockedUntil', 'name', 'roles']);
      assert.ok(!res.body.includes('scrypt'));
    });
  });

  describe('POST /users', () => {
    const create = (as: Client | undefined, body: unknown) =>
      h.call('POST', '/api/v1/users', { ...(as ? { as } : {}), body });
    const valid = () => ({ name: `new-${randomUUID().slice(0, 8)}`, roles: ['releaser'], password });

    it('401 without a session', async () => {
      assert.equal(failure(await create(undefined, valid())).status, 401);
    });

    it('400 naming the field and the rule', async () => {
      const cases: Array<[unknown, string]> = [
        [
          { ...valid(), roles: ['pilot'] },
          'invalid request body at roles.0: must be one of operator, releaser, translator, analyst, admin',
        ],
        [{ ...valid(), roles: [] }, 'invalid request body at roles: must name at least one role'],
        [{ ...valid(), roles: ['admin', 'admin'] }, 'invalid request body at roles: must not repeat a role'],
        [{ ...valid(), password: 'short' }, 'invalid request body at password: must be at least 12 characters'],
        [
          { ...valid(), name: 'Bob Smith' },
          'invalid request body at name: must be 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
        ],
        [{ ...valid(), admin: true }, 'invalid request body at (root): Unrecognized key: "admin"'],
      ];
      for (const [body, message] of cases) {
        assert.deepEqual(failure(await create(admin, body)), {
          status: 400,
          code: 'PARLEY_E_INVALID_REQUEST',
          message,
        });
      }
    });

    it('403 for an operator, and the refusal is audited', async () => {
      assert.deepEqual(failure(await create(operator, valid())), {
        status: 403,
        code: 'PARLEY_E_FORBIDDEN',
        message: 'forbidden: users.write needs the role admin',
      });
      const [last] = (await h.accounts.auditPage({ user: operator.name }, undefined, 1)).entries;
      assert.deepEqual(
        [last?.action, last?.details],
        ['users.create', { refused: 'PARLEY_E_FORBIDDEN', method: 'POST', url: '/api/v1/users' }],
      );
    });

    it('201 with the user, who can then sign in; audited without the password', async () => {
      const body = valid();
      const res = await create(admin, body);
      assert.equal(res.statusCode, 201, res.body);
      const user = res.json();
      assert.deepEqual(
        [user.name, user.roles, user.disabled, user.lockedUntil],
        [body.name, ['releaser'], false, null],
      );
      assert.equal((await h.login(body.name)).session.user.id, user.id);
      const [entry] = (await h.accounts.auditPage({ action: 'users.create', user: admin.name }, undefined, 1)).entries;
      assert.deepEqual([entry?.target, entry?.details], [body.name, { id: user.id, roles: ['releaser'] }]);
      assert.ok(!JSON.stringify(entry).includes(password));
    });

    it('409 for a name already taken', async () => {
      const body = valid();
      await create(admin, body);
      assert.deepEqual(failure(await create(admin, body)), {
        status: 409,
        code: 'PARLEY_E_USER_EXISTS',
        message: `a user named ${body.name} already exists`,
      });
    });
  });

  describe('PATCH /users/:id', () => {
    const patch = (as: Client | undefined, id: string, body: unknown) =>
      h.call('PATCH', `/api/v1/users/${id}`, { ...(as ? { as } : {}), body });

    it('401 without a session', async () => {
      assert.equal(failure(await patch(undefined, randomUUID(), { disabled: true })).status, 401);
    });

    it('400 naming the field and the rule', async () => {
      const user = await h.addUser(['analyst']);
      assert.deepEqual(failure(await patch(admin, 'bob', { disabled: true })), {
        status: 400,
        code: 'PARLEY_E_INVALID_REQUEST',
        message: 'invalid request path at id: must be a user id (UUID)',
      });
      assert.equal(
        failure(await patch(admin, user.id, {})).message,
        'invalid request body at (root): must change at least one of roles, disabled, password',
      );
      assert.equal(
        failure(await patch(admin, user.id, { disabled: 'yes' })).message,
        'invalid request body at disabled: Invalid input: expected boolean, received string',
      );
    });

    it('403 for an operator', async () => {
      const user = await h.addUser(['analyst']);
      assert.equal(failure(await patch(operator, user.id, { disabled: true })).code, 'PARLEY_E_FORBIDDEN');
    });

    it('changes roles: the user’s open session sees them at once', async () => {
      const client = await h.signedIn(['analyst']);
      const id = client.session.user.id;
      const res = await patch(admin, id, { roles: ['operator', 'releaser'] });
      assert.deepEqual([res.statusCode, res.json().roles], [200, ['operator', 'releaser']]);
      const me = (await h.call('GET', '/api/v1/session', { as: client })).json();
      assert.ok(me.permissions.includes('messages.release'));
      assert.ok(!me.permissions.includes('exports.read'));
      const [entry] = (await h.accounts.auditPage({ action: 'users.update' }, undefined, 1)).entries;
      assert.deepEqual(entry?.details, { id, roles: ['operator', 'releaser'] });
    });

    it('disabling ends the user’s sessions and refuses sign-in', async () => {
      const client = await h.signedIn(['translator']);
      const res = await patch(admin, client.session.user.id, { disabled: true });
      assert.deepEqual([res.statusCode, res.json().disabled], [200, true]);
      assert.equal((await h.call('GET', '/api/v1/session', { as: client })).statusCode, 401);
      assert.equal(
        failure(await h.call('POST', '/api/v1/session', { body: { name: client.name, password } })).status,
        403,
      );
      await patch(admin, client.session.user.id, { disabled: false });
      assert.equal((await h.login(client.name)).session.user.disabled, false);
    });

    it('a password reset ends the user’s sessions; the audit says so without the password', async () => {
      const client = await h.signedIn(['translator']);
      const res = await patch(admin, client.session.user.id, { password: 'another long password' });
      assert.equal(res.statusCode, 200);
      assert.equal((await h.call('GET', '/api/v1/session', { as: client })).statusCode, 401);
      await h.login(client.name, 'another long password');
      const [entry] = (await h.accounts.auditPage({ action: 'users.update' }, undefined, 1)).entries;
      assert.deepEqual(entry?.details, { id: client.session.user.id, passwordReset: true });
    });

    it('404 for an unknown user', async () => {
      const id = randomUUID();
      assert.deepEqual(failure(await patch(admin, id, { disabled: true })), {
        status: 404,
        code: 'PARLEY_E_NOT_FOUND',
        message: `no user ${id}`,
      });
    });

    it('409 rather than leave no enabled admin; fine once there is another', async () => {
      const solo = await apiHarness(t);
      const only = await solo.signedIn(['admin']);
      const id = only.session.user.id;
      const refused = await solo.call('PATCH', `/api/v1/users/${id}`, { as: only, body: { roles: ['operator'] } });
      assert.deepEqual(failure(refused), {
        status: 409,
        code: 'PARLEY_E_LAST_ADMIN',
        message: `refused: ${only.name} is the last enabled admin and cannot be stripped of the admin role`,
      });
      const disable = await solo.call('PATCH', `/api/v1/users/${id}`, { as: only, body: { disabled: true } });
      assert.equal(failure(disable).code, 'PARLEY_E_LAST_ADMIN');
      const { entries } = await solo.accounts.auditPage({ action: 'users.update' }, undefined, 10);
      assert.deepEqual(entries, [], 'a refused change leaves no audit entry (rolled back with it)');
      await solo.addUser(['admin']);
      const res = await solo.call('PATCH', `/api/v1/users/${id}`, { as: only, body: { roles: ['operator'] } });
      assert.equal(res.statusCode, 200);
    });
  });
});
