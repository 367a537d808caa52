import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type Permission, permissions, type Role, roles } from '@parley/contract';
import { submitMessage } from '../../hotline/send-message.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import { alarmRoutes } from '../alarms/index.js';
import { channelRoutes } from '../channels/index.js';
import type { RouteDef } from '../define-route.js';
import { translationRoutes } from '../translations/index.js';
import { messageRoutes } from './index.js';

interface Fixtures {
  channel: string;
  ours: string;
  theirs: string;
  draft: string;
}
interface Req {
  url: string;
  body?: unknown;
}
interface Case {
  /** A request only its input makes wrong, and the exact message of the 400. */
  bad: (f: Fixtures) => Req & { message: string };
  good: (f: Fixtures) => Req;
}

const text = { subject: 'Order', text: 'Order test.' };
const bogus = 'not-an-id';

/** The hotline's routes (not the event stream: api/events/events.test.ts), each in the order 401 → 400 → 403 → success. */
const cases: Record<string, Case> = {
  'GET /channels': {
    bad: () => ({
      url: '/channels?state=closed',
      message: 'invalid request query at state: Invalid option: expected one of "proposed"|"active"',
    }),
    good: () => ({ url: '/channels' }),
  },
  'GET /channels/:channel/messages': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages?limit=0`,
      message: 'invalid request query at limit: Too small: expected number to be >=1',
    }),
    good: (f) => ({ url: `/channels/${f.channel}/messages` }),
  },
  'GET /channels/:channel/messages/:id': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages/${bogus}`,
      message: 'invalid request path at id: expected an entry id (43-char base64url of 32 bytes)',
    }),
    good: (f) => ({ url: `/channels/${f.channel}/messages/${f.theirs}` }),
  },
  'GET /channels/:channel/overdue': {
    bad: () => ({
      url: `/channels/${bogus}/overdue`,
      message: 'invalid request path at channel: expected a channel id (43-char base64url of 32 bytes)',
    }),
    good: (f) => ({ url: `/channels/${f.channel}/overdue` }),
  },
  'POST /channels/:channel/messages': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages`,
      body: { ...text, precedence: 'URGENT' },
      message:
        'invalid request body at precedence: Invalid option: expected one of "FLASH"|"IMMEDIATE"|"PRIORITY"|"ROUTINE"',
    }),
    good: (f) => ({ url: `/channels/${f.channel}/messages`, body: { ...text, precedence: 'ROUTINE' } }),
  },
  'POST /channels/:channel/messages/emergency': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages/emergency`,
      body: { precedence: 'FLASH', subject: 'Two\nlines', text: 'x' },
      message: 'invalid request body at subject: expected one line of text, not blank, without control characters',
    }),
    good: (f) => ({ url: `/channels/${f.channel}/messages/emergency`, body: { ...text, precedence: 'FLASH' } }),
  },
  'GET /drafts': {
    bad: () => ({
      url: '/drafts?state=gone',
      message: 'invalid request query at state: Invalid option: expected one of "pending"|"releasing"|"released"',
    }),
    good: () => ({ url: '/drafts' }),
  },
  'POST /drafts/:id/release': {
    bad: (f) => ({
      url: `/drafts/${f.draft}/release`,
      body: { emergency: 'yes' },
      message: 'invalid request body at emergency: Invalid input: expected boolean, received string',
    }),
    good: (f) => ({ url: `/drafts/${f.draft}/release`, body: {} }),
  },
  'POST /channels/:channel/messages/:id/ack': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages/${bogus}/ack`,
      message: 'invalid request path at id: expected an entry id (43-char base64url of 32 bytes)',
    }),
    good: (f) => ({ url: `/channels/${f.channel}/messages/${f.theirs}/ack` }),
  },
  'POST /channels/:channel/messages/:id/unread': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages/${f.theirs}/unread`,
      body: { reason: 'bored', note: 'x' },
      message:
        'invalid request body at reason: Invalid option: expected one of "discarded"|"not-actionable"|"unreadable"|"other"',
    }),
    good: (f) => ({
      url: `/channels/${f.channel}/messages/${f.theirs}/unread`,
      body: { reason: 'other', note: 'Order test.' },
    }),
  },
  'POST /channels/:channel/messages/:id/translations': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages/${f.ours}/translations`,
      body: { language: 'zh-Hans' },
      message: 'invalid request body at text: Invalid input: expected string, received undefined',
    }),
    good: (f) => ({
      url: `/channels/${f.channel}/messages/${f.ours}/translations`,
      body: { language: 'zh-Hans', text: '顺序测试。' },
    }),
  },
  'POST /channels/:channel/messages/:id/working-translations': {
    bad: (f) => ({
      url: `/channels/${f.channel}/messages/${f.theirs}/working-translations`,
      body: { language: 'zh-Hans', text: '' },
      message:
        'invalid request body at text: expected text, not blank, with no control characters but newline (\\n) and tab',
    }),
    good: (f) => ({
      url: `/channels/${f.channel}/messages/${f.theirs}/working-translations`,
      body: { language: 'zh-Hans', text: '顺序测试。' },
    }),
  },
  'GET /alarms': {
    bad: () => ({
      url: `/alarms?channel=${bogus}`,
      message: 'invalid request query at channel: expected a channel id (43-char base64url of 32 bytes)',
    }),
    good: () => ({ url: '/alarms' }),
  },
};

const routes: RouteDef[] = [...channelRoutes, ...messageRoutes, ...translationRoutes, ...alarmRoutes];
const key = (d: RouteDef) => `${d.method} ${d.url}`;
const holder = (p: Permission): Role => roles.find((r) => (permissions[p] as readonly Role[]).includes(r))!;
const outsider = (p: Permission): Role | undefined =>
  roles.find((r) => !(permissions[p] as readonly Role[]).includes(r));

it('has an order case for every hotline route', () => {
  assert.deepEqual(
    routes.map(key).filter((k) => !cases[k]),
    [],
  );
});

forEachDialect('hotline routes: 401 → 400 (exact message) → 403 → success', (t) => {
  let p: ApiPair;
  let f: Fixtures;
  before(async () => {
    p = await apiPair(t);
    const compose = { ...text, language: 'en', marking: 'UNCLASSIFIED', attachments: [] };
    const drafter = await p.usApi.addUser(['operator']);
    const by = { user: drafter.name, roles: drafter.roles };
    const ours = await submitMessage(p.us, p.channel, by, { ...compose, precedence: 'ROUTINE' });
    const draft = await submitMessage(p.us, p.channel, by, { ...compose, precedence: 'FLASH' });
    const theirs = await submitMessage(
      p.cn,
      p.channel,
      { user: 'x', roles: ['operator'] },
      {
        ...compose,
        precedence: 'ROUTINE',
      },
    );
    await p.settle();
    assert.ok(ours.kind === 'sent' && theirs.kind === 'sent' && draft.kind === 'drafted');
    f = { channel: p.channel, ours: ours.id, theirs: theirs.id, draft: draft.draft.id };
  });
  after(() => p.close());

  for (const def of routes) {
    it(`${key(def)}`, async () => {
      const c = cases[key(def)]!;
      const permission = def.permission as Permission;
      const bad = c.bad(f);
      const badReq = { ...(bad.body !== undefined ? { body: bad.body } : {}) };
      const url = (u: string) => `/api/v1${u}`;

      const anonymous = await p.usApi.call(def.method, url(bad.url), badReq);
      assert.deepEqual([anonymous.statusCode, failure(anonymous).code], [401, 'PARLEY_E_UNAUTHENTICATED']);

      const allowed = await p.usApi.signedIn([holder(permission)]);
      assert.deepEqual(failure(await p.usApi.call(def.method, url(bad.url), { as: allowed, ...badReq })), {
        status: 400,
        code: 'PARLEY_E_INVALID_REQUEST',
        message: bad.message,
      });

      const other = outsider(permission);
      if (other) {
        const refused = await p.usApi.call(def.method, url(bad.url), {
          as: await p.usApi.signedIn([other]),
          ...badReq,
        });
        assert.deepEqual([refused.statusCode, failure(refused).code], [403, 'PARLEY_E_FORBIDDEN']);
      } else {
        assert.deepEqual(permissions[permission], roles, `${permission}: every role holds it, so no 403 to try`);
      }

      const good = c.good(f);
      const res = await p.usApi.call(def.method, url(good.url), {
        as: allowed,
        ...(good.body !== undefined ? { body: good.body } : {}),
      });
      assert.equal(res.statusCode, def.status ?? 200, res.body);
    });
  }
});
