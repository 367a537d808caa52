import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { can, roles } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { type ApiPair, apiPair } from './_node-util.js';
import { type CallOptions, type Harness, password } from './_util.js';
import type { RouteDef } from './define-route.js';
import { apiRoutes } from './routes.js';

/**
 * A well-formed request for each route, so that only the permission can refuse
 * it. `pair` is the node harness (api/_node-util.ts): the console under test is
 * `pair.usApi`, of node us-js, in active channel `pair.channel` with cn-jsd.
 */
const samples: Record<
  string,
  (pair: ApiPair) => { url: string; body?: unknown } | Promise<{ url: string; body?: unknown }>
> = {
  'GET /session': () => ({ url: '/session' }),
  'DELETE /session': () => ({ url: '/session' }),
  'GET /users': () => ({ url: '/users' }),
  'POST /users': () => ({
    url: '/users',
    body: { name: `m-${randomUUID().slice(0, 8)}`, roles: ['analyst'], password },
  }),
  'PATCH /users/:id': () => ({ url: `/users/${randomUUID()}`, body: { disabled: false } }),
  'GET /audit': () => ({ url: '/audit' }),
  'GET /audit/export': () => ({ url: '/audit/export' }),
  'GET /events': () => ({ url: '/events' }),
  // The hotline (api/channels, api/messages, api/translations, api/alarms): fixtures from hotlineFixtures.
  'GET /channels': () => ({ url: '/channels' }),
  'GET /channels/:channel/messages': (pair) => ({ url: `/channels/${pair.channel}/messages` }),
  'GET /channels/:channel/messages/:id': async (pair) => ({
    url: `/channels/${pair.channel}/messages/${(await hotlineFixtures(pair)).theirs}`,
  }),
  'GET /channels/:channel/overdue': (pair) => ({ url: `/channels/${pair.channel}/overdue` }),
  'POST /channels/:channel/messages': (pair) => ({
    url: `/channels/${pair.channel}/messages`,
    body: { precedence: 'ROUTINE', subject: 'Sample', text: 'Sample.' },
  }),
  'POST /channels/:channel/messages/emergency': (pair) => ({
    url: `/channels/${pair.channel}/messages/emergency`,
    body: { precedence: 'FLASH', subject: 'Sample', text: 'Sample.' },
  }),
  'GET /drafts': () => ({ url: '/drafts' }),
  'POST /drafts/:id/release': async (pair) => ({
    url: `/drafts/${(await hotlineFixtures(pair)).draft}/release`,
    body: {},
  }),
  'POST /channels/:channel/messages/:id/ack': async (pair) => ({
    url: `/channels/${pair.channel}/messages/${(await hotlineFixtures(pair)).theirs}/ack`,
  }),
  'POST /channels/:channel/messages/:id/unread': async (pair) => ({
    url: `/channels/${pair.channel}/messages/${(await hotlineFixtures(pair)).theirs}/unread`,
    body: { reason: 'not-actionable', note: 'Sample.' },
  }),
  'POST /channels/:channel/messages/:id/translations': async (pair) => ({
    url: `/channels/${pair.channel}/messages/${(await hotlineFixtures(pair)).ours}/translations`,
    body: { language: 'zh-Hans', text: '样本。' },
  }),
  'POST /channels/:channel/messages/:id/working-translations': async (pair) => ({
    url: `/channels/${pair.channel}/messages/${(await hotlineFixtures(pair)).theirs}/working-translations`,
    body: { language: 'zh-Hans', text: '样本。' },
  }),
  'GET /alarms': () => ({ url: '/alarms' }),
  'POST /attachments': () => ({
    url: '/attachments',
    body: { name: 'note.txt', contentType: 'text/plain', data: Buffer.from(randomUUID()).toString('base64') },
  }),
  // A blob us-js holds: allowed roles get 200.
  'GET /attachments/:sha256': async (pair) => {
    const { storeBlob } = await import('../hotline/attachments.js');
    const { databaseOf } = await import('../hotline/hotline-db.js');
    const bytes = Buffer.from('role matrix sample');
    const a = await storeBlob(databaseOf(pair.us.store), {
      bytes,
      name: 's.txt',
      contentType: 'text/plain',
      now: pair.us.now(),
    });
    return { url: `/attachments/${a.sha256}` };
  },
  'GET /attachments/:sha256/status': () => ({ url: `/attachments/${'A'.repeat(43)}/status` }),
  'GET /metrics': () => ({ url: '/metrics?mechanism=dtl' }),
  'GET /links': () => ({ url: '/links' }),
  'GET /channels/:channel/record': (pair) => ({ url: `/channels/${pair.channel}/record` }),
  'GET /channels/:channel/record/feeds/:author': (pair) => ({ url: `/channels/${pair.channel}/record/feeds/us-js` }),
  'GET /channels/:channel/record/verify': (pair) => ({ url: `/channels/${pair.channel}/record/verify` }),
  'GET /channels/:channel/record/export': (pair) => ({ url: `/channels/${pair.channel}/record/export?disclose=all` }),
  // A well-formed id of no request here: allowed roles get 404, not 403.
  'GET /channels/:channel/evidence/unanswered/:request': (pair) => ({
    url: `/channels/${pair.channel}/evidence/unanswered/${'A'.repeat(43)}`,
  }),
  // Engagement (helper E): writes name ids of nothing here, so allowed roles get 409 PARLEY_E_RULE, or 201.
  'GET /channels/:channel/engagements': (pair) => ({ url: `/channels/${pair.channel}/engagements` }),
  'POST /channels/:channel/engagements': (pair) => ({
    url: `/channels/${pair.channel}/engagements`,
    body: { type: 'request-withdraw', body: { request: 'A'.repeat(43), reason: 'Sample' } },
  }),
  'GET /channels/:channel/meetings/:meeting/readouts': (pair) => ({
    url: `/channels/${pair.channel}/meetings/${'A'.repeat(43)}/readouts`,
  }),
  'POST /channels/:channel/meetings/:meeting/readouts/import': (pair) => ({
    url: `/channels/${pair.channel}/meetings/${'A'.repeat(43)}/readouts/import`,
    body: { url: 'https://example.org/readout', text: 'Sample.', language: 'en' },
  }),
  'GET /channels/:channel/commitments': (pair) => ({ url: `/channels/${pair.channel}/commitments` }),
  'POST /channels/:channel/commitments': (pair) => ({
    url: `/channels/${pair.channel}/commitments`,
    body: { type: 'commitment-propose', body: { text: 'Sample commitment', language: 'en' } },
  }),
  'GET /channels/:channel/incidents': (pair) => ({ url: `/channels/${pair.channel}/incidents` }),
  'POST /channels/:channel/incidents': (pair) => ({
    url: `/channels/${pair.channel}/incidents`,
    body: { type: 'incident-response', body: { incident: 'A'.repeat(43), response: 'acknowledge' } },
  }),
  'GET /channels/:channel/notifications': (pair) => ({ url: `/channels/${pair.channel}/notifications` }),
  'POST /channels/:channel/notifications': (pair) => ({
    url: `/channels/${pair.channel}/notifications`,
    body: { type: 'notification-ack', body: { notification: 'A'.repeat(43) } },
  }),
  'GET /channels/:channel/mechanisms': (pair) => ({ url: `/channels/${pair.channel}/mechanisms` }),
  'POST /channels/:channel/mechanisms': (pair) => ({
    url: `/channels/${pair.channel}/mechanisms`,
    body: { type: 'mechanism-resume', body: { mechanism: 'dtl', note: 'Sample' } },
  }),
  'POST /channels/:channel/mechanisms/amendments': (pair) => ({
    url: `/channels/${pair.channel}/mechanisms/amendments`,
    body: {
      mechanism: { id: 'dtl', names: { en: 'Defense Telephone Link' }, level: 2, kinds: ['call'], counterparts: [] },
    },
  }),
  'POST /channels/:channel/mechanisms/amendments/:amendment/accept': (pair) => ({
    url: `/channels/${pair.channel}/mechanisms/amendments/${'A'.repeat(43)}/accept`,
  }),
  // Operator link checks (api/link-checks): the answer names a check of nothing here, so allowed roles get 404.
  'POST /channels/:channel/link-checks': (pair) => ({ url: `/channels/${pair.channel}/link-checks`, body: {} }),
  'GET /channels/:channel/link-checks': (pair) => ({ url: `/channels/${pair.channel}/link-checks` }),
  'POST /channels/:channel/link-checks/:check/answer': (pair) => ({
    url: `/channels/${pair.channel}/link-checks/${'A'.repeat(43)}/answer`,
  }),
};

const fixtures = new WeakMap<ApiPair, Promise<{ ours: string; theirs: string; draft: string }>>();

/** At us-js: one of its own messages, one of cn-jsd's, and a FLASH draft by an operator (made once per pair). */
function hotlineFixtures(pair: ApiPair): Promise<{ ours: string; theirs: string; draft: string }> {
  let made = fixtures.get(pair);
  if (!made) {
    made = (async () => {
      const { submitMessage } = await import('../hotline/send-message.js');
      const compose = {
        subject: 'Fixture',
        text: 'Fixture.',
        language: 'en',
        marking: 'UNCLASSIFIED',
        attachments: [],
      };
      const drafter = await pair.usApi.addUser(['operator']);
      const by = { user: drafter.name, roles: drafter.roles };
      const ours = await submitMessage(pair.us, pair.channel, by, { ...compose, precedence: 'ROUTINE' });
      const draft = await submitMessage(pair.us, pair.channel, by, { ...compose, precedence: 'FLASH' });
      const theirs = await submitMessage(
        pair.cn,
        pair.channel,
        { user: 'cn-op', roles: ['operator'] },
        {
          ...compose,
          precedence: 'ROUTINE',
        },
      );
      await pair.settle();
      if (ours.kind !== 'sent' || theirs.kind !== 'sent' || draft.kind !== 'drafted') throw new Error('fixtures');
      return { ours: ours.id, theirs: theirs.id, draft: draft.draft.id };
    })();
    fixtures.set(pair, made);
  }
  return made;
}

/** An event stream answers with its headers and never ends: read the status over a socket, then hang up. */
async function streamStatus(
  h: ApiPair['usApi'],
  url: string,
  cookie: string,
): Promise<{ statusCode: number; body: string }> {
  const abort = new AbortController();
  const res = await fetch(`${await h.listen()}/api/v1${url}`, {
    headers: { cookie: `parley_session=${cookie}` },
    signal: abort.signal,
  });
  const body = res.ok ? '' : await res.text();
  abort.abort();
  return { statusCode: res.status, body };
}

const key = (def: RouteDef) => `${def.method} ${def.url}`;
const routes = apiRoutes({ secureCookie: false }).filter((def) => def.permission !== 'public');

describe('role × route matrix', () => {
  it('has a sample request for every route that needs a session', () => {
    assert.deepEqual(
      routes.map(key).filter((k) => !samples[k]),
      [],
    );
  });
});

forEachDialect('role × route matrix', (t) => {
  let pair: ApiPair;
  let h: Harness;
  before(async () => {
    pair = await apiPair(t);
    h = pair.usApi;
  });
  after(() => pair.close());

  for (const def of routes) {
    for (const role of roles) {
      const allowed = can([role], def.permission as never);
      it(`${key(def)} as ${role}: ${allowed ? 'allowed' : '403'} (${def.permission})`, async () => {
        const client = await h.signedIn([role]);
        const sample = await samples[key(def)]!(pair);
        const options: CallOptions = { as: client, ...(sample.body !== undefined ? { body: sample.body } : {}) };
        const res =
          def.produces === 'text/event-stream'
            ? await streamStatus(pair.usApi, sample.url, client.cookie)
            : await h.call(def.method, `/api/v1${sample.url}`, options);
        if (allowed) {
          assert.notEqual(res.statusCode, 403, res.body);
          assert.ok(res.statusCode < 500, res.body);
        } else {
          assert.deepEqual(
            [res.statusCode, (JSON.parse(res.body) as { code: string }).code],
            [403, 'PARLEY_E_FORBIDDEN'],
          );
        }
      });
    }
  }
});
