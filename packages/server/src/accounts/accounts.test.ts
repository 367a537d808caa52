import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError } from '@parley/contract';
import { ManualClock } from '../clock/clock.js';
import { forEachDialect } from '../store/_util.js';
import type { Accounts } from './accounts.js';
import { accountsFor } from './accounts-for.js';

const t0 = Date.parse('2026-03-01T08:00:00.000Z');

forEachDialect('accounts store', (t) => {
  const open = async () => {
    const clock = new ManualClock(t0);
    const config = t.freshConfig();
    const accounts = accountsFor(await t.open(config), clock, { scryptLogN: 4 });
    return { clock, accounts, raw: t.raw(config) };
  };
  const add = async (accounts: Accounts, name: string, roles: Array<'admin' | 'operator'>) =>
    accounts.createUser({ name, roles, passwordHash: await accounts.hashPassword('long password!') });

  it('keeps users with unique names; never shows the hash', async () => {
    const { accounts } = await open();
    const alice = await add(accounts, 'alice', ['admin']);
    await assert.rejects(add(accounts, 'alice', ['operator']), (e) => isParleyError(e, 'PARLEY_E_USER_EXISTS'));
    assert.deepEqual(await accounts.listUsers(), [alice]);
    assert.deepEqual(await accounts.getUser(alice.id), alice);
    assert.ok(!JSON.stringify(alice).includes('scrypt'));
  });

  it('rolls a transaction back whole', async () => {
    const { accounts } = await open();
    await assert.rejects(
      accounts.transaction(async (a) => {
        await add(a, 'bob', ['operator']);
        await a.audit({ user: null, action: 'users.create', target: 'bob', address: 'cli', details: {} });
        throw new Error('stop');
      }),
      /stop/,
    );
    assert.deepEqual(await accounts.listUsers(), []);
    assert.deepEqual((await accounts.auditPage({}, undefined, 10)).entries, []);
  });

  it('stores sessions by the hash of their token, and ends them', async () => {
    const { accounts } = await open();
    await add(accounts, 'carol', ['operator']);
    const signed = await accounts.signIn('carol', 'long password!', '127.0.0.1');
    assert.notEqual(signed.session.id, signed.token);
    assert.match(signed.session.id, /^[0-9a-f]{64}$/);
    assert.equal((await accounts.authenticate(signed.token)).user.name, 'carol');
    await accounts.signOut(signed.session.id);
    await assert.rejects(accounts.authenticate(signed.token), (e) => isParleyError(e, 'PARLEY_E_UNAUTHENTICATED'));
  });

  it('purges ended sessions at the next sign-in', async () => {
    const { accounts, clock, raw } = await open();
    await add(accounts, 'dan', ['operator']);
    const first = await accounts.signIn('dan', 'long password!', '127.0.0.1');
    clock.advance(31 * 60_000);
    const second = await accounts.signIn('dan', 'long password!', '127.0.0.1');
    const ids = await raw.selectFrom('sessions').select('id').execute();
    assert.deepEqual(ids, [{ id: second.session.id }]);
    await assert.rejects(accounts.authenticate(first.token), /unknown or has ended/);
  });

  it('pages the audit log newest first and exports it oldest first', async () => {
    const { accounts, clock } = await open();
    for (let i = 0; i < 5; i++) {
      await accounts.audit({
        user: 'eve',
        action: i % 2 ? 'users.update' : 'users.create',
        target: String(i),
        address: null,
        details: { i },
      });
      clock.advance(1000);
    }
    const first = await accounts.auditPage({ user: 'eve' }, undefined, 2);
    const second = await accounts.auditPage({ user: 'eve' }, first.next!, 2);
    const third = await accounts.auditPage({ user: 'eve' }, second.next!, 2);
    assert.deepEqual(
      [first, second, third].map((p) => p.entries.map((e) => e.target)),
      [['4', '3'], ['2', '1'], ['0']],
    );
    assert.equal(third.next, null);
    const all = [];
    for await (const entry of accounts.auditRows({ action: 'users.create' })) all.push(entry.details);
    assert.deepEqual(all, [{ i: 0 }, { i: 2 }, { i: 4 }]);
  });
});
