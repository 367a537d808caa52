import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { forEachDialect } from '../../store/_util.js';
import { apiHarness, type Client, failure, type Harness } from '../_util.js';

const minute = 60_000;

forEachDialect('console API: /audit', (t) => {
  let h: Harness;
  let admin: Client;
  let analyst: Client;
  let start: string;
  before(async () => {
    h = await apiHarness(t);
    start = new Date(h.clock.now()).toISOString();
    admin = await h.signedIn(['admin']);
    h.clock.advance(minute);
    analyst = await h.signedIn(['analyst']);
    h.clock.advance(minute);
    for (const name of ['ann', 'ben', 'cy']) {
      const res = await h.call('POST', '/api/v1/users', {
        as: admin,
        body: { name, roles: ['operator'], password: 'long enough password' },
      });
      assert.equal(res.statusCode, 201);
      h.clock.advance(minute);
    }
  });

  describe('GET /audit', () => {
    it('401 without a session', async () => {
      assert.equal(failure(await h.call('GET', '/api/v1/audit')).status, 401);
    });

    it('400 naming the query field and the rule', async () => {
      assert.deepEqual(failure(await h.call('GET', '/api/v1/audit?limit=0', { as: admin })), {
        status: 400,
        code: 'PARLEY_E_INVALID_REQUEST',
        message: 'invalid request query at limit: Too small: expected number to be >=1',
      });
      assert.equal(
        failure(await h.call('GET', '/api/v1/audit?from=yesterday', { as: admin })).message,
        'invalid request query at from: expected a UTC time as YYYY-MM-DDTHH:MM:SS.sssZ',
      );
      assert.equal(
        failure(await h.call('GET', '/api/v1/audit?who=x', { as: admin })).message,
        'invalid request query at (root): Unrecognized key: "who"',
      );
    });

    it('403 for an analyst', async () => {
      assert.deepEqual(failure(await h.call('GET', '/api/v1/audit', { as: analyst })), {
        status: 403,
        code: 'PARLEY_E_FORBIDDEN',
        message: 'forbidden: audit.read needs the role admin',
      });
    });

    it('lists newest first, filtered by user, action (or a prefix) and time, in pages', async () => {
      const get = async (query: string) => {
        const res = await h.call('GET', `/api/v1/audit?${query}`, { as: admin });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as {
          entries: Array<{ id: number; action: string; target: string; user: string }>;
          next: number | null;
        };
      };
      const created = await get('action=users.create');
      assert.deepEqual(
        created.entries.map((e) => [e.user, e.target]),
        [
          [admin.name, 'cy'],
          [admin.name, 'ben'],
          [admin.name, 'ann'],
        ],
      );
      const page1 = await get('action=users.create&limit=2');
      assert.deepEqual(
        page1.entries.map((e) => e.target),
        ['cy', 'ben'],
      );
      const page2 = await get(`action=users.create&limit=2&before=${page1.next}`);
      assert.deepEqual([page2.entries.map((e) => e.target), page2.next], [['ann'], null]);
      const sessions = await get('action=session.');
      assert.deepEqual(
        sessions.entries.map((e) => [e.action, e.user]),
        [
          ['session.login', analyst.name],
          ['session.login', admin.name],
        ],
      );
      assert.deepEqual(
        (await get(`user=${analyst.name}`)).entries.map((e) => e.action),
        ['session.login'],
      );
      const window = await get(
        `from=${new Date(Date.parse(start) + 2 * minute).toISOString()}&to=${new Date(Date.parse(start) + 3 * minute).toISOString()}`,
      );
      assert.deepEqual(
        window.entries.map((e) => e.target),
        ['ben', 'ann'],
      );
    });
  });

  describe('GET /audit/export', () => {
    it('401 without a session', async () => {
      assert.equal(failure(await h.call('GET', '/api/v1/audit/export')).status, 401);
    });

    it('400 naming the query field and the rule', async () => {
      assert.equal(
        failure(await h.call('GET', '/api/v1/audit/export?limit=5', { as: admin })).message,
        'invalid request query at (root): Unrecognized key: "limit"',
      );
    });

    it('403 for an analyst', async () => {
      assert.equal(failure(await h.call('GET', '/api/v1/audit/export', { as: analyst })).code, 'PARLEY_E_FORBIDDEN');
    });

    it('downloads JSON lines, oldest first, and audits the export', async () => {
      const res = await h.call('GET', '/api/v1/audit/export?action=users.create', { as: admin });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/x-ndjson');
      const day = new Date(h.clock.now()).toISOString().slice(0, 10);
      assert.equal(res.headers['content-disposition'], `attachment; filename="audit-${day}.jsonl"`);
      const lines = res.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.deepEqual(
        lines.map((l) => l.target),
        ['ann', 'ben', 'cy'],
      );
      assert.deepEqual(Object.keys(lines[0]).sort(), ['action', 'address', 'at', 'details', 'id', 'target', 'user']);
      const [entry] = (await h.accounts.auditPage({ action: 'audit.export' }, undefined, 1)).entries;
      assert.deepEqual([entry?.user, entry?.details], [admin.name, { filter: { action: 'users.create' } }]);
    });

    it('streams more than one batch', async () => {
      for (let i = 0; i < 520; i++)
        await h.accounts.audit({ user: null, action: 'test.bulk', target: String(i), address: null, details: {} });
      const res = await h.call('GET', '/api/v1/audit/export?action=test.bulk', { as: admin });
      const targets = res.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).target);
      assert.equal(targets.length, 520);
      assert.deepEqual(targets.slice(498, 502), ['498', '499', '500', '501']);
    });
  });
});
