import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isParleyError, type Permission, permissions, type Role, roles } from '@parley/contract';
import { pino } from 'pino';
import { act } from '../../engagement/act.js';
import { OperatorCheckAlarms, operatorCheckAlarmKind } from '../../link-checks/alarms.js';
import { listOperatorChecks } from '../../link-checks/operator-checks.js';
import { linkMetrics } from '../../metrics/link-metrics.js';
import { loadMetricEntries } from '../../metrics/load.js';
import type { AlarmEvent } from '../../node/events.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import type { RouteDef } from '../define-route.js';
import { linkCheckRoutes } from './index.js';

const minute = 60_000;
const url = (u: string) => `/api/v1${u}`;
const key = (d: RouteDef) => `${d.method} ${d.url}`;
const holder = (p: Permission): Role => roles.find((r) => (permissions[p] as readonly Role[]).includes(r))!;
const outsider = (p: Permission): Role | undefined =>
  roles.find((r) => !(permissions[p] as readonly Role[]).includes(r));

interface Req {
  url: string;
  body?: unknown;
}
interface Case {
  bad: (channel: string, check: string) => Req & { message: string };
  good: (channel: string, check: string) => Req;
}

/** Each route in the order 401 → 400 (exact message) → 403 → success. `check` is cn-jsd's operator check, held at us-js. */
const cases: Record<string, Case> = {
  'POST /channels/:channel/link-checks': {
    bad: (channel) => ({
      url: `/channels/${channel}/link-checks`,
      body: { answerWithinSeconds: 5 },
      message: 'invalid request body at answerWithinSeconds: Too small: expected number to be >=60',
    }),
    good: (channel) => ({ url: `/channels/${channel}/link-checks`, body: { answerWithinSeconds: 600 } }),
  },
  'GET /channels/:channel/link-checks': {
    bad: (channel) => ({
      url: `/channels/${channel}/link-checks?state=gone`,
      message:
        'invalid request query at state: Invalid option: expected one of "pending"|"answered"|"answered-late"|"unanswered"',
    }),
    good: (channel) => ({ url: `/channels/${channel}/link-checks` }),
  },
  'POST /channels/:channel/link-checks/:check/answer': {
    bad: (channel) => ({
      url: `/channels/${channel}/link-checks/not-an-id/answer`,
      message: 'invalid request path at check: expected an entry id (43-char base64url of 32 bytes)',
    }),
    good: (channel, check) => ({ url: `/channels/${channel}/link-checks/${check}/answer` }),
  },
};

describe('link-check routes', () => {
  it('has an order case for every route', () => {
    assert.deepEqual(
      linkCheckRoutes.map(key).filter((k) => !cases[k]),
      [],
    );
  });
});

forEachDialect('link-check routes: 401 → 400 (exact message) → 403 → success', (t) => {
  let p: ApiPair;
  let check: string;
  before(async () => {
    p = await apiPair(t);
    const r = await act(p.cn, p.channel, 'link-check', {}, { user: 'cn-watch', roles: ['operator'] });
    check = r.id;
    await p.settle();
  });
  after(() => p.close());

  for (const def of linkCheckRoutes) {
    it(key(def), async () => {
      const c = cases[key(def)]!;
      const permission = def.permission as Permission;
      const bad = c.bad(p.channel, check);
      const badReq = bad.body !== undefined ? { body: bad.body } : {};
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
      const good = c.good(p.channel, check);
      const res = await p.usApi.call(def.method, url(good.url), {
        as: allowed,
        ...(good.body !== undefined ? { body: good.body } : {}),
      });
      assert.equal(res.statusCode, def.status ?? 200, res.body);
    });
  }
});

interface Listed {
  now: string;
  checks: Array<{
    id: string;
    direction: string;
    state: string;
    ageSeconds: number;
    linkUp: boolean;
    silence?: string;
    answer?: { by: string; author: string; inTime: boolean };
  }>;
}

forEachDialect('operator link checks: a person asks, a person answers', (t) => {
  let p: ApiPair;
  before(async () => {
    p = await apiPair(t);
  });
  after(() => p.close());

  it('us-js sends through the API, cn-jsd sees it pending with the link up, its operator answers by name', async () => {
    const usOp = await p.usApi.signedIn(['operator']);
    const sent = await p.usApi.call('POST', url(`/channels/${p.channel}/link-checks`), { as: usOp, body: {} });
    assert.equal(sent.statusCode, 201, sent.body);
    const check = (JSON.parse(sent.body) as { id: string }).id;
    await p.settle();
    p.clock.advance(2 * minute);
    const cnOp = await p.cnApi.signedIn(['operator']);
    const pending = JSON.parse(
      (await p.cnApi.call('GET', url(`/channels/${p.channel}/link-checks?state=pending`), { as: cnOp })).body,
    ) as Listed;
    const seen = pending.checks.find((c) => c.id === check)!;
    assert.deepEqual([seen.direction, seen.state, seen.linkUp, seen.ageSeconds], ['in', 'pending', true, 120]);

    const answered = await p.cnApi.call('POST', url(`/channels/${p.channel}/link-checks/${check}/answer`), {
      as: cnOp,
    });
    assert.equal(answered.statusCode, 201, answered.body);
    assert.equal((JSON.parse(answered.body) as { late: boolean }).late, false);
    const again = await p.cnApi.call('POST', url(`/channels/${p.channel}/link-checks/${check}/answer`), { as: cnOp });
    assert.deepEqual([again.statusCode, failure(again).code], [409, 'PARLEY_E_RULE']);
    assert.match(failure(again).message, /was answered already, by /);
    await p.settle();
    const listed = JSON.parse(
      (await p.usApi.call('GET', url(`/channels/${p.channel}/link-checks`), { as: usOp })).body,
    ) as Listed;
    const mine = listed.checks.find((c) => c.id === check)!;
    assert.equal(mine.direction, 'out');
    assert.equal(mine.state, 'answered');
    assert.deepEqual(mine.answer, { ...mine.answer, by: cnOp.name, author: 'cn-jsd', inTime: true });
  });

  it('refuses answering one’s own check, a node check, and an analyst sending one', async () => {
    const op = { user: 'us-watch', roles: ['operator'] as Role[] };
    const own = await act(p.us, p.channel, 'link-check', {}, op);
    await assert.rejects(
      act(p.us, p.channel, 'link-check-answer', { check: own.id }, op),
      (e) => isParleyError(e, 'PARLEY_E_RULE') && /this party's own/.test(e.message),
    );
    await assert.rejects(
      act(p.us, p.channel, 'link-check', { kind: 'node' }, op),
      (e) => isParleyError(e, 'PARLEY_E_RULE') && /written by the node/.test(e.message),
    );
    await assert.rejects(act(p.us, p.channel, 'link-check', {}, { user: 'us-analyst', roles: ['analyst'] }), (e) =>
      isParleyError(e, 'PARLEY_E_FORBIDDEN'),
    );
    const node = await p.cn.append(p.channel, {
      type: 'link-check',
      body: { kind: 'node', nonce: 'AAAAAAAAAAAAAAAAAAAAAA', answerWithinSeconds: 600 },
    });
    await p.settle();
    await assert.rejects(
      act(p.us, p.channel, 'link-check-answer', { check: node.id }, op),
      (e) => isParleyError(e, 'PARLEY_E_RULE') && /node check/.test(e.message),
    );
    await assert.rejects(act(p.us, p.channel, 'link-check-answer', { check: node.id, by: 'someone-else' }, op), (e) =>
      isParleyError(e, 'PARLEY_E_RULE'),
    );
  });

  it('unanswered with the link up is political silence, with it down technical; the metric agrees; FLASH alarms', async () => {
    const watch = { user: 'us-watch', roles: ['operator'] as Role[] };
    p.clock.advance(minute); // after the checks above
    const from = p.us.now();
    const heard = await act(p.us, p.channel, 'link-check', { answerWithinSeconds: 1800 }, watch);
    await p.settle(); // cn-jsd stores it and signs a receipt: the link is up
    const lost = await act(p.us, p.channel, 'link-check', { answerWithinSeconds: 1800 }, watch);
    // `lost` never reaches cn-jsd within its window.
    const alarms: AlarmEvent[] = [];
    p.us.events.on('alarm', (a) => alarms.push(a));
    const checker = new OperatorCheckAlarms(p.us, { log: pino({ level: 'silent' }), intervalMs: 3_600_000 });
    checker.start();
    p.clock.advance(11 * minute); // past FLASH (10 min), inside the window
    await checker.check();
    const raised = alarms.filter((a) => a.kind === operatorCheckAlarmKind);
    assert.ok(
      raised.some((a) => a.message.includes(heard.id.slice(0, 8))),
      JSON.stringify(raised),
    );
    assert.ok(raised.some((a) => a.message.includes(lost.id.slice(0, 8)) && /link was down/.test(a.message)));
    const open = (await p.us.store.openAlarms()).filter((a) => a.kind === operatorCheckAlarmKind);
    await checker.check();
    assert.equal(
      (await p.us.store.openAlarms()).filter((a) => a.kind === operatorCheckAlarmKind).length,
      open.length,
      'raised once',
    );

    p.clock.advance(30 * minute); // both windows closed
    await p.settle();
    const views = await listOperatorChecks(p.us, p.channel);
    const view = (id: string) => views.find((v) => v.id === id)!;
    assert.deepEqual([view(heard.id).state, view(heard.id).silence], ['unanswered', 'political']);
    assert.deepEqual([view(lost.id).state, view(lost.id).silence], ['unanswered', 'technical']);

    // A late answer is written, and clears the alarm, but stays unanswered in time.
    const late = await act(
      p.cn,
      p.channel,
      'link-check-answer',
      { check: heard.id },
      { user: 'cn-watch', roles: ['operator'] },
    );
    assert.equal((late as { late?: boolean }).late, true);
    await p.settle();
    await checker.check();
    const still = (await p.us.store.openAlarms()).filter((a) => a.kind === operatorCheckAlarmKind);
    assert.ok(!still.some((a) => a.details.includes(heard.id)), 'the answered check no longer alarms');
    assert.ok(still.some((a) => a.details.includes(lost.id)));
    p.clock.advance(25 * 60 * minute); // a day after the window: history, kept by the record, not an open alarm
    await checker.check();
    const stale = (await p.us.store.openAlarms()).filter((a) => a.kind === operatorCheckAlarmKind);
    assert.ok(!stale.some((a) => a.details.includes(lost.id)), 'a day after its window the alarm is cleared');
    await checker.stop();

    const [row] = linkMetrics(['us-js', 'cn-jsd'], await loadMetricEntries(p.us.store, p.channel), {
      now: p.us.now(),
      from,
    }).filter((r) => r.checker === 'us-js');
    assert.equal(row!.operatorSilentWhileHealthy, 1);
    assert.equal(row!.operatorUnansweredWhileDown, 1);
  });
});
