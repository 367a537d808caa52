import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type Permission, permissions, type Role, roles } from '@parley/contract';
import { verifyBundle } from '@parley/record';
import { databaseOf } from '../../hotline/hotline-db.js';
import { submitMessage } from '../../hotline/send-message.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import type { RouteDef } from '../define-route.js';
import { recordRoutes } from './index.js';

interface Req {
  url: string;
  message: string;
}
const bogus = 'not-an-id';
const text = { subject: 'Record', text: 'Record test.', language: 'en', marking: 'UNCLASSIFIED', attachments: [] };

/** Each record route: a request only its input makes wrong (with the exact message), and a good one. */
const cases: Record<string, { bad: (channel: string) => Req; good: (channel: string) => string }> = {
  'GET /channels/:channel/record': {
    bad: () => ({
      url: `/channels/${bogus}/record`,
      message: 'invalid request path at channel: expected a channel id (43-char base64url of 32 bytes)',
    }),
    good: (c) => `/channels/${c}/record`,
  },
  'GET /channels/:channel/record/feeds/:author': {
    bad: (c) => ({
      url: `/channels/${c}/record/feeds/us-js?limit=501`,
      message: 'invalid request query at limit: Too big: expected number to be <=500',
    }),
    good: (c) => `/channels/${c}/record/feeds/us-js`,
  },
  'GET /channels/:channel/record/verify': {
    bad: () => ({
      url: `/channels/${bogus}/record/verify`,
      message: 'invalid request path at channel: expected a channel id (43-char base64url of 32 bytes)',
    }),
    good: (c) => `/channels/${c}/record/verify`,
  },
  'GET /channels/:channel/record/export': {
    bad: (c) => ({
      url: `/channels/${c}/record/export?disclose=message,nonsense`,
      message: 'invalid request query at disclose: expected entry types separated by commas, or all',
    }),
    good: (c) => `/channels/${c}/record/export`,
  },
};

const key = (d: RouteDef) => `${d.method} ${d.url}`;
const holder = (p: Permission): Role => roles.find((r) => (permissions[p] as readonly Role[]).includes(r))!;
const outsider = (p: Permission): Role | undefined =>
  roles.find((r) => !(permissions[p] as readonly Role[]).includes(r));

it('has an order case for every record route', () => {
  assert.deepEqual(
    recordRoutes.map(key).filter((k) => !cases[k]),
    [],
  );
});

forEachDialect('record explorer routes', (t) => {
  let p: ApiPair;
  let ours: string[] = [];
  before(async () => {
    p = await apiPair(t);
    const by = { user: 'x', roles: ['operator'] as Role[] };
    ours = [];
    for (let i = 0; i < 3; i++) {
      const r = await submitMessage(p.us, p.channel, by, { ...text, precedence: 'ROUTINE' });
      assert.ok(r.kind === 'sent');
      ours.push(r.id);
    }
    await submitMessage(p.cn, p.channel, by, { ...text, precedence: 'ROUTINE' });
    await p.settle();
  });
  after(() => p.close());

  for (const def of recordRoutes) {
    it(`${key(def)}: 401 → 400 (exact message) → 403 → success`, async () => {
      const c = cases[key(def)]!;
      const permission = def.permission as Permission;
      const bad = c.bad(p.channel);
      const url = (u: string) => `/api/v1${u}`;
      const anonymous = await p.usApi.call('GET', url(bad.url));
      assert.deepEqual([anonymous.statusCode, failure(anonymous).code], [401, 'PARLEY_E_UNAUTHENTICATED']);
      const allowed = await p.usApi.signedIn([holder(permission)]);
      assert.deepEqual(failure(await p.usApi.call('GET', url(bad.url), { as: allowed })), {
        status: 400,
        code: 'PARLEY_E_INVALID_REQUEST',
        message: bad.message,
      });
      const other = outsider(permission);
      if (other) {
        const refused = await p.usApi.call('GET', url(bad.url), { as: await p.usApi.signedIn([other]) });
        assert.deepEqual([refused.statusCode, failure(refused).code], [403, 'PARLEY_E_FORBIDDEN']);
      } else {
        assert.deepEqual(permissions[permission], roles, `${permission}: every role holds it, so no 403 to try`);
      }
      const res = await p.usApi.call('GET', url(c.good(p.channel)), { as: allowed });
      assert.equal(res.statusCode, 200, res.body);
    });
  }

  it('lists the feeds with their heads, and a feed page by page in seq order', async () => {
    const as = await p.usApi.signedIn(['operator']);
    const feeds = JSON.parse((await p.usApi.call('GET', `/api/v1/channels/${p.channel}/record`, { as })).body);
    const us = feeds.feeds.find((f: { author: string }) => f.author === 'us-js');
    assert.ok(us.entries >= 3, JSON.stringify(feeds));
    assert.equal(us.head.seq, us.entries);
    assert.ok(feeds.feeds.some((f: { author: string; entries: number }) => f.author === 'cn-jsd' && f.entries >= 1));

    const seen: Array<{ seq: number; id: string; type: string }> = [];
    let from: number | null = 1;
    let pages = 0;
    while (from !== null) {
      const res = await p.usApi.call('GET', `/api/v1/channels/${p.channel}/record/feeds/us-js?from=${from}&limit=2`, {
        as,
      });
      const page = JSON.parse(res.body) as { entries: typeof seen; next: number | null };
      assert.ok(page.entries.length <= 2);
      seen.push(...page.entries);
      from = page.next;
      pages++;
    }
    assert.equal(pages, Math.ceil(us.entries / 2));
    assert.deepEqual(
      seen.map((e) => e.seq),
      Array.from({ length: us.entries }, (_, i) => i + 1),
    );
    for (const id of ours)
      assert.ok(
        seen.some((e) => e.id === id && e.type === 'message'),
        id,
      );
    assert.equal(seen.at(-1)!.id, us.head.id);

    const stranger = await p.usApi.call('GET', `/api/v1/channels/${p.channel}/record/feeds/zz-none`, { as });
    assert.equal(failure(stranger).code, 'PARLEY_E_NOT_FOUND');
  });

  it('exports a bundle as an attachment, bodies only of the disclosed types, that verifies', async () => {
    const as = await p.usApi.signedIn(['analyst']);
    const res = await p.usApi.call('GET', `/api/v1/channels/${p.channel}/record/export?disclose=message`, { as });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="evidence-[\w-]+\.json"$/);
    const bundle = JSON.parse(res.body) as { entries: Array<{ header: { type: string }; body?: unknown }> };
    const withBody = bundle.entries.filter((e) => e.body !== undefined);
    assert.ok(withBody.length >= 4);
    assert.ok(withBody.every((e) => e.header.type === 'message'));
    const report = verifyBundle(bundle);
    assert.ok(report.feeds.some((f) => f.author === 'us-js' && f.disclosed >= 3));
    const audit = await p.usApi.call('GET', '/api/v1/audit?action=evidence.export', {
      as: await p.usApi.signedIn(['admin']),
    });
    assert.match(audit.body, /evidence\.export/);
  });

  it('verifies the stored channel, and says so when a stored signature was altered', async () => {
    const as = await p.usApi.signedIn(['analyst']);
    const good = JSON.parse((await p.usApi.call('GET', `/api/v1/channels/${p.channel}/record/verify`, { as })).body);
    assert.equal(good.ok, true, JSON.stringify(good));
    assert.ok(good.statements.length > 0);
    assert.ok(good.feeds.some((f: { author: string; entries: number }) => f.author === 'us-js' && f.entries >= 3));

    const db = databaseOf(p.us.store);
    const row = await db
      .selectFrom('entries')
      .select(['sig'])
      .where('channel', '=', p.channel)
      .where('id', '=', ours[1]!)
      .executeTakeFirstOrThrow();
    const flipped = (row.sig[0] === 'A' ? 'B' : 'A') + row.sig.slice(1);
    await db
      .updateTable('entries')
      .set({ sig: flipped })
      .where('channel', '=', p.channel)
      .where('id', '=', ours[1]!)
      .execute();
    const bad = JSON.parse((await p.usApi.call('GET', `/api/v1/channels/${p.channel}/record/verify`, { as })).body);
    assert.equal(bad.ok, false, JSON.stringify(bad));
    assert.match(bad.error.code, /^PARLEY_E_/);
  });
});
