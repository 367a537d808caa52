import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { can, permissionNames, permissions, permissionsOf } from './permissions.js';
import { roles } from './roles.js';

describe('permission table', () => {
  it('names only known roles, each once, and every permission is held by someone', () => {
    for (const p of permissionNames) {
      const allowed: readonly string[] = permissions[p];
      assert.ok(allowed.length > 0, p);
      assert.equal(new Set(allowed).size, allowed.length, p);
      for (const role of allowed) assert.ok((roles as readonly string[]).includes(role), `${p}: ${role}`);
    }
  });

  it('follows DESIGN.md: operators draft and acknowledge, releasers release, translators translate', () => {
    const holders = (p: keyof typeof permissions) => roles.filter((r) => can([r], p));
    assert.deepEqual(holders('messages.draft'), ['operator']);
    assert.deepEqual(holders('messages.ack'), ['operator']);
    assert.deepEqual(holders('messages.release'), ['releaser']);
    assert.deepEqual(holders('translations.work'), ['translator']);
  });

  it('admins alone manage users, peers and the charter, and read the audit log', () => {
    for (const p of ['users.read', 'users.write', 'peers.write', 'charter.write', 'audit.read'] as const) {
      assert.deepEqual(
        roles.filter((r) => can([r], p)),
        ['admin'],
        p,
      );
    }
  });

  it('analysts are read-only: dashboards and exports', () => {
    const held = permissionsOf(['analyst']);
    assert.ok(held.includes('dashboards.read') && held.includes('exports.read'));
    assert.deepEqual(
      held.filter((p) => !p.endsWith('.read') && p !== 'session.self'),
      [],
    );
  });

  it('several roles hold the union of their permissions', () => {
    assert.ok(can(['analyst', 'releaser'], 'messages.release'));
    assert.ok(can(['analyst', 'releaser'], 'exports.read'));
    assert.ok(!can(['analyst', 'releaser'], 'messages.draft'));
    assert.ok(!can([], 'session.self'));
  });
});
