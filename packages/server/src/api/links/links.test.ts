import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { permissions, roles } from '@parley/contract';
import type { LinkService } from '../../link/service.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import { linkRoutes } from './index.js';

it('peers.read is held by every role, so GET /links has no 403 to try', () => {
  assert.deepEqual(permissions['peers.read'], roles);
  assert.deepEqual(
    linkRoutes.map((r) => `${r.method} ${r.url} ${String(r.permission)}`),
    ['GET /links peers.read'],
  );
});

forEachDialect('GET /links', (t) => {
  let p: ApiPair;
  before(async () => {
    p = await apiPair(t);
    // The harness carries entries in process, so pin cn-jsd as `parley peer add` would.
    await p.us.store.putPeer({ party: 'cn-jsd', card: '{}', fingerprint: 'ab'.repeat(32), addedAt: p.us.now() });
  });
  after(() => p.close());

  it('answers 401 → 400 (exact message) → success in that order', async () => {
    const bad = '/api/v1/links?peer=Not_A_Party';
    const anonymous = await p.usApi.call('GET', bad);
    assert.deepEqual([anonymous.statusCode, failure(anonymous).code], [401, 'PARLEY_E_UNAUTHENTICATED']);
    const analyst = await p.usApi.signedIn(['analyst']);
    assert.deepEqual(failure(await p.usApi.call('GET', bad, { as: analyst })), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request query at peer: expected a party id (2–32 chars of a-z, 0-9, -)',
    });
    const ok = await p.usApi.call('GET', '/api/v1/links', { as: analyst });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('lists the pinned peer with no link state when the node is not serving', async () => {
    const as = await p.usApi.signedIn(['operator']);
    const body = JSON.parse((await p.usApi.call('GET', '/api/v1/links', { as })).body);
    assert.equal(body.party, 'us-js');
    assert.equal(body.serving, false);
    assert.deepEqual(
      body.links.map((l: { peer: string; state: unknown; channels: Array<{ channel: string }> }) => [
        l.peer,
        l.state,
        l.channels.map((c) => c.channel),
      ]),
      [['cn-jsd', null, [p.channel]]],
    );
  });

  it("shows each endpoint's state, RTT, offset and last contact from the link service", async () => {
    const endpoints = [
      {
        url: 'https://a.example:7443',
        state: 'DOWN',
        rttMs: null,
        offsetMs: null,
        lastContact: '2026-01-02T03:00:00.000Z',
        failures: 4,
      },
      {
        url: 'https://b.example:7443',
        state: 'UP',
        rttMs: 42,
        offsetMs: -7,
        lastContact: '2026-01-02T03:04:05.000Z',
        failures: 0,
      },
    ];
    const fake = { links: new Map([['cn-jsd', { state: 'UP', activeEndpoint: endpoints[1]!.url, endpoints }]]) };
    p.usApi.ctx.link = fake as unknown as LinkService;
    try {
      const as = await p.usApi.signedIn(['analyst']);
      const body = JSON.parse((await p.usApi.call('GET', '/api/v1/links?peer=cn-jsd', { as })).body);
      assert.equal(body.serving, true);
      const [l] = body.links;
      assert.deepEqual(
        [l.peer, l.state, l.endpoint, l.rttMs, l.offsetMs, l.lastContact],
        ['cn-jsd', 'UP', 'https://b.example:7443', 42, -7, '2026-01-02T03:04:05.000Z'],
      );
      assert.deepEqual(l.endpoints, endpoints);
      const none = JSON.parse((await p.usApi.call('GET', '/api/v1/links?peer=zz-none', { as })).body);
      assert.deepEqual(none.links, []);
    } finally {
      delete p.usApi.ctx.link;
    }
  });
});
