import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type Charter, isParleyError, type ParleyError } from '@parley/contract';
import { pino } from 'pino';
import { minute, nodePair, type Pair, t0 } from '../hotline/_util.js';
import type { Person } from '../hotline/person.js';
import { forEachDialect } from '../store/_util.js';
import { act, engagementState } from './act.js';
import { EngagementAlarms } from './alarms.js';
import { engagementViews } from './fold.js';

const duty: Person = { user: 'duty', roles: ['operator', 'admin'] };
const analyst: Person = { user: 'reader', roles: ['analyst'] };
const hour = 60 * minute;
const iso = (ms: number) => new Date(ms).toISOString();
const slot = (ms: number) => ({ start: iso(ms), durationMinutes: 60, timeZone: 'Asia/Shanghai' });

async function refused(p: Promise<unknown>, code: string, message?: string): Promise<ParleyError> {
  try {
    await p;
  } catch (error) {
    assert.ok(isParleyError(error, code as never), `expected ${code}, got ${String(error)}`);
    if (message !== undefined) assert.equal((error as Error).message, message);
    return error as ParleyError;
  }
  assert.fail(`expected ${code}`);
}

function mechanisms(charter: Charter): Charter {
  return {
    ...charter,
    mechanisms: [
      {
        id: 'dtl',
        names: { en: 'Defense Telephone Link' },
        level: 2,
        kinds: ['call', 'video-teleconference'],
        counterparts: [
          { party: 'us-js', principal: 'Secretary of Defense' },
          { party: 'cn-jsd', principal: 'Minister of National Defense' },
        ],
      },
    ],
    glossary: [],
  };
}

const principals = {
  requester: [{ name: 'Charles Q. Brown Jr.', title: 'Chairman of the Joint Chiefs of Staff', party: 'us-js' }],
  responder: [{ name: 'Liu Zhenli', title: 'Chief of the Joint Staff Department', party: 'cn-jsd' }],
};

function request(start: number, extra: Record<string, unknown> = {}) {
  return {
    mechanism: 'dtl',
    kind: 'video-teleconference',
    subject: 'Chiefs of defence video teleconference',
    language: 'en',
    principals,
    slots: [slot(start), slot(start + 24 * hour)],
    agenda: ['Crisis communication'],
    ...extra,
  };
}

forEachDialect('engagement rules between two nodes', (target) => {
  let pair: Pair;
  let usAlarms: EngagementAlarms;
  let cnAlarms: EngagementAlarms;
  const log = pino({ level: 'silent' });
  const raised: Array<{ party: string; kind: string; message: string }> = [];

  before(async () => {
    pair = await nodePair(target);
    usAlarms = new EngagementAlarms(pair.us, { log, intervalMs: 3_600_000 });
    cnAlarms = new EngagementAlarms(pair.cn, { log, intervalMs: 3_600_000 });
    for (const node of [pair.us, pair.cn])
      node.events.on('alarm', (a) => raised.push({ party: node.party, kind: a.kind, message: a.message }));
  });
  after(async () => {
    await usAlarms.stop();
    await cnAlarms.stop();
  });

  const views = async (node: Pair['us']) => engagementViews(await engagementState(node, pair.channel), node.now());

  it('puts mechanisms in force by amendment and acceptance', async () => {
    const r0 = request(t0 + 10 * 24 * hour);
    await refused(
      act(pair.us, pair.channel, 'request', r0, duty),
      'PARLEY_E_RULE',
      'request refused: the charter names no mechanism dtl',
    );
    await refused(
      act(pair.us, pair.channel, 'charter-amend', { charter: mechanisms(pair.charter), summary: 'DTL' }, analyst),
      'PARLEY_E_FORBIDDEN',
    );
    const amend = await act(
      pair.us,
      pair.channel,
      'charter-amend',
      { charter: mechanisms(pair.charter), summary: 'DTL' },
      duty,
    );
    await pair.settle();
    await refused(
      act(pair.us, pair.channel, 'charter-accept', { amendment: amend.id }, duty),
      'PARLEY_E_RULE',
      `charter-accept refused: us-js proposed amendment ${amend.id.slice(0, 8)}: the other members accept it`,
    );
    await act(pair.cn, pair.channel, 'charter-accept', { amendment: amend.id }, duty);
    await pair.settle();
    for (const node of [pair.us, pair.cn]) {
      const v = await views(node);
      assert.deepEqual(
        v.mechanisms.map((m) => [m.id, m.state]),
        [['dtl', 'active']],
      );
      assert.equal(v.amendments[0]?.inForceAt !== undefined, true);
    }
  });

  it('runs a request through counter and acceptance, the same on both nodes', async () => {
    const r = await act(pair.us, pair.channel, 'request', request(t0 + 10 * 24 * hour), duty);
    const row = await pair.us.store.getEntryById(r.id);
    assert.equal(JSON.parse(row!.body).deadline, iso(t0 + 48 * hour));
    await pair.settle();
    await refused(
      act(pair.cn, pair.channel, 'request-accept', { request: r.id, slot: 5 }, duty),
      'PARLEY_E_RULE',
      `request-accept refused: slot 5 is not among the 2 slot(s) proposed in ${r.id.slice(0, 8)}`,
    );
    await refused(
      act(pair.us, pair.channel, 'request-accept', { request: r.id, slot: 0 }, duty),
      'PARLEY_E_RULE',
      `request-accept refused: us-js made request ${r.id.slice(0, 8)}: only another member answers it`,
    );
    pair.clock.advance(3 * hour);
    const counter = await act(
      pair.cn,
      pair.channel,
      'request-counter',
      { request: r.id, slots: [slot(t0 + 12 * 24 * hour)], note: 'One slot' },
      duty,
    );
    const counterRow = await pair.cn.store.getEntryById(counter.id);
    assert.deepEqual(JSON.parse(counterRow!.header).refs, [r.id]);
    await pair.settle();
    await act(pair.us, pair.channel, 'request-accept', { request: counter.id, slot: 0 }, duty);
    await pair.settle();
    for (const node of [pair.us, pair.cn]) {
      const got = (await views(node)).requests.find((x) => x.id === r.id)!;
      assert.equal(got.state, 'accepted');
      assert.equal(got.answerMs, 3 * hour);
      assert.equal(got.accepted?.slot.start, iso(t0 + 12 * 24 * hour));
    }
  });

  it("stores a peer's entry that breaks the rules, flags it, and raises an alarm", async () => {
    const r = (await views(pair.us)).requests[0]!;
    // cn-jsd's node writes past the rules (as a faulty or hostile node would).
    const bad = await pair.cn.append(pair.channel, {
      type: 'request-decline',
      body: { request: r.id, reason: 'Late' },
      refs: [r.id],
    });
    await pair.settle();
    assert.ok(await pair.us.store.getEntryById(bad.id), 'stored');
    const v = await views(pair.us);
    assert.equal(v.requests[0]!.state, 'accepted');
    assert.equal(v.violations[0]?.entry, bad.id);
    await usAlarms.check();
    const open = (await pair.us.store.openAlarms()).filter((a) => a.kind === 'rule-violation');
    assert.equal(open.length, 1);
    assert.match(open[0]!.message, /cn-jsd wrote a request-decline the engagement rules refuse/);
    assert.ok(raised.some((a) => a.party === 'us-js' && a.kind === 'rule-violation'));
  });

  it('records a request on a suspended mechanism as such; only the suspending party resumes', async () => {
    await act(
      pair.cn,
      pair.channel,
      'mechanism-suspend',
      { mechanism: 'dtl', reason: 'Countermeasures', effective: pair.cn.now() },
      duty,
    );
    await pair.settle();
    const r = await act(pair.us, pair.channel, 'request', request(t0 + 20 * 24 * hour), duty);
    assert.equal(r.onSuspendedMechanism, true);
    await refused(
      act(pair.us, pair.channel, 'mechanism-resume', { mechanism: 'dtl', note: 'Resume' }, duty),
      'PARLEY_E_RULE',
      'mechanism-resume refused: us-js has not suspended dtl: only the party that suspended a mechanism resumes it',
    );
    await act(pair.us, pair.channel, 'request-withdraw', { request: r.id, reason: 'Suspended' }, duty);
    await act(pair.cn, pair.channel, 'mechanism-resume', { mechanism: 'dtl', note: 'Resumed after the summit' }, duty);
    await pair.settle();
    const m = (await views(pair.us)).mechanisms[0]!;
    assert.equal(m.state, 'active');
    assert.deepEqual(
      m.history.map((h) => [h.kind, h.by]),
      [
        ['suspend', 'cn-jsd'],
        ['resume', 'cn-jsd'],
      ],
    );
  });

  it('sounds alarms before and at the deadline on both sides, and clears them on an answer', async () => {
    const r = await act(pair.us, pair.channel, 'request', request(pair.clock.now() + 10 * 24 * hour), duty);
    await pair.settle();
    const kinds = async (node: Pair['us']) =>
      (await node.store.openAlarms()).filter((a) => a.details.includes(r.id)).map((a) => a.kind);
    await usAlarms.check();
    assert.deepEqual(await kinds(pair.us), []);
    pair.clock.advance(43 * hour);
    await usAlarms.check();
    await cnAlarms.check();
    assert.deepEqual(await kinds(pair.us), ['request-deadline-near']);
    assert.deepEqual(await kinds(pair.cn), ['request-deadline-near']);
    pair.clock.advance(5 * hour + minute);
    await usAlarms.check();
    assert.deepEqual(await kinds(pair.us), ['request-unanswered']);
    assert.equal((await views(pair.us)).requests.find((x) => x.id === r.id)?.state, 'unanswered');
    await act(pair.cn, pair.channel, 'request-decline', { request: r.id, reason: 'Not at this time' }, duty);
    await pair.settle();
    await usAlarms.check();
    assert.deepEqual(await kinds(pair.us), []);
    const late = (await views(pair.us)).requests.find((x) => x.id === r.id)!;
    assert.equal(late.state, 'declined');
    assert.equal(late.late, true);
    assert.equal(late.unansweredAtDeadline, true);
  });

  it('validates notifications by the charter format and tracks acknowledgements', async () => {
    const data = {
      name: 'Strait Thunder',
      exerciseType: 'maritime',
      start: iso(pair.clock.now() + 24 * hour),
      end: iso(pair.clock.now() + 72 * hour),
      area: { centre: { lat: 24, lon: 120 }, radiusKm: 50 },
      forces: [{ service: 'navy', description: 'Surface group' }],
    };
    const e = await refused(
      act(
        pair.cn,
        pair.channel,
        'notification',
        { format: 'exercise', data: { ...data, start: 'tomorrow' }, language: 'en' },
        duty,
      ),
      'PARLEY_E_RULE',
    );
    assert.match(e.message, /^notification refused: data\.start: must match/);
    const n = await act(pair.cn, pair.channel, 'notification', { format: 'exercise', data, language: 'en' }, duty);
    await pair.settle();
    await act(pair.us, pair.channel, 'notification-ack', { notification: n.id }, duty);
    await refused(act(pair.us, pair.channel, 'notification-ack', { notification: n.id }, duty), 'PARLEY_E_RULE');
    await pair.settle();
    const got = (await views(pair.cn)).notifications.find((x) => x.id === n.id)!;
    assert.deepEqual(got.awaiting, []);
    assert.equal(got.acks[0]?.person, 'duty');
  });

  it('keeps commitments with both sides’ status, and incidents with responses', async () => {
    const c = await act(
      pair.us,
      pair.channel,
      'commitment-propose',
      { text: 'Resume theater commanders’ calls', language: 'en' },
      duty,
    );
    await refused(
      act(
        pair.us,
        pair.channel,
        'commitment-status',
        { commitment: c.id, status: 'on-track', note: 'n', evidence: [] },
        duty,
      ),
      'PARLEY_E_RULE',
      `commitment-status refused: commitment ${c.id.slice(0, 8)} is not agreed by every member yet`,
    );
    await pair.settle();
    await act(pair.cn, pair.channel, 'commitment-agree', { commitment: c.id }, duty);
    await pair.settle();
    await act(
      pair.us,
      pair.channel,
      'commitment-status',
      { commitment: c.id, status: 'stalled', note: 'No call yet', evidence: [c.id] },
      duty,
    );
    await act(
      pair.cn,
      pair.channel,
      'commitment-status',
      { commitment: c.id, status: 'on-track', note: 'Preparing', evidence: [] },
      duty,
    );
    await pair.settle();
    const got = (await views(pair.us)).commitments.find((x) => x.id === c.id)!;
    assert.equal(got.state, 'agreed');
    assert.equal(got.divergent, true);
    assert.deepEqual(Object.keys(got.claims).sort(), ['cn-jsd', 'us-js']);

    const i = await act(
      pair.us,
      pair.channel,
      'incident-report',
      {
        time: iso(pair.clock.now() - hour),
        position: { lat: 15, lon: 115 },
        domain: 'air',
        units: { reporter: [{ name: 'B-52H', type: 'bomber' }], other: [{ name: 'J-11', type: 'fighter' }] },
        closestApproachMeters: 3,
        altitudeMeters: 9000,
        behaviours: ['close-approach'],
        narrative: 'Night intercept at about 10 feet.',
        language: 'en',
        attachments: [],
      },
      duty,
    ).catch((error) => error as ParleyError);
    if (i instanceof Error) {
      // The behaviour code list lives in the contract; show what it refused.
      assert.fail(String(i));
    }
    await pair.settle();
    await refused(
      act(pair.us, pair.channel, 'incident-response', { incident: i.id, response: 'regret' }, duty),
      'PARLEY_E_RULE',
    );
    await act(
      pair.cn,
      pair.channel,
      'incident-response',
      { incident: i.id, response: 'contest', account: 'Safe and professional.' },
      duty,
    );
    await pair.settle();
    assert.equal((await views(pair.us)).incidents.find((x) => x.id === i.id)?.state, 'contested');
  });

  it('refuses unknown types and bodies that break the schema before signing', async () => {
    const head = await pair.us.store.head(pair.channel, 'us-js');
    await refused(act(pair.us, pair.channel, 'message', {}, duty), 'PARLEY_E_USAGE');
    await refused(act(pair.us, pair.channel, 'request', { mechanism: 'dtl' }, duty), 'PARLEY_E_SCHEMA');
    assert.equal((await pair.us.store.head(pair.channel, 'us-js'))?.seq, head?.seq);
  });
});
