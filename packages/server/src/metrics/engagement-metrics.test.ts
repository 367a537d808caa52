import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CN, charter, requestBody, slot, US } from '../engagement/_fixtures.js';
import { at, hourMs, MetricRecord } from './_record.js';
import { engagementMetrics, type RequestRow } from './engagement-metrics.js';
import { linkMetrics } from './link-metrics.js';
import { daysBetween, inPeriod, monthOf, quantile } from './stats.js';

const now = at(20);
const nonce = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Three weeks of a channel, written in time order (see the comments for what each step is for). */
function scenario() {
  const r = new MetricRecord();
  r.add(CN, 'incident-report', '2023-11-30T00:00:00.000Z');
  const a = r.add(US, 'request', at(1), requestBody());
  const k1 = r.add(US, 'commitment-propose', at(1, 0, 30), { text: 'Resume talks', language: 'en', due: '2023-12-15' });
  r.add(CN, 'request-accept', at(1, 2), { request: a.id, slot: 0 }); // answered in 2 h
  const n1 = r.add(US, 'link-check', at(1, 6), { kind: 'node', nonce, answerWithinSeconds: 300 });
  r.deliver(CN);
  r.add(CN, 'link-check-answer', at(1, 6, 1), { check: n1.id, nonce, by: 'node' });
  const b = r.add(US, 'request', at(2), requestBody());
  r.add(CN, 'commitment-agree', at(2, 1), { commitment: k1.id });
  r.add(US, 'link-check', at(2, 6), { kind: 'node', nonce, answerWithinSeconds: 300 }); // link down: never answered
  r.add(CN, 'request-decline', at(2, 10), { request: b.id, reason: 'Not now' }); // 10 h
  r.add(US, 'request', at(3), requestBody({ deadline: at(5) })); // never answered
  r.add(US, 'commitment-status', at(3, 0, 30), { commitment: k1.id, status: 'on-track', note: 'ok', evidence: [] });
  const n3 = r.add(US, 'link-check', at(3, 6), { kind: 'node', nonce, answerWithinSeconds: 300 });
  r.deliver(CN);
  r.add(CN, 'link-check-answer', at(3, 6, 2), { check: n3.id, nonce, by: 'node' });
  const d = r.add(US, 'request', at(4), requestBody({ deadline: at(5) }));
  r.add(CN, 'commitment-status', at(4, 0, 30), { commitment: k1.id, status: 'stalled', note: 'no', evidence: [] });
  const n4 = r.add(US, 'link-check', at(4, 6), { kind: 'node', nonce, answerWithinSeconds: 300 });
  r.deliver(CN);
  r.add(CN, 'link-check-answer', at(4, 6, 10), { check: n4.id, nonce, by: 'node' }); // too late
  const e = r.add(
    CN,
    'request',
    at(5),
    requestBody({
      mechanism: 'mmca',
      kind: 'meeting',
      principals: {
        requester: [{ name: 'Liu Zhenli', title: 'Chief', party: CN }],
        responder: [{ name: 'C. Q. Brown', title: 'Chairman', party: US }],
      },
    }),
  );
  r.add(US, 'request-counter', at(5, 1), { request: e.id, slots: [slot(at(23))], note: 'Later' }); // 1 h
  r.add(CN, 'commitment-propose', at(5, 2), { text: 'Exchange visits', language: 'en' });
  const o1 = r.add(US, 'link-check', at(5, 6), { kind: 'operator', nonce, answerWithinSeconds: 600 });
  r.deliver(CN);
  r.add(CN, 'link-check-answer', at(5, 6, 5), { check: o1.id, nonce, by: 'Maj. Wang' });
  r.add(US, 'link-check', at(6, 6), { kind: 'operator', nonce, answerWithinSeconds: 600 });
  r.deliver(CN);
  r.add(CN, 'receipt', '2023-12-06T06:00:30.000Z'); // stored in time, never answered: political
  r.add(CN, 'request-accept', at(6, 12), { request: d.id, slot: 1 }); // 60 h, after the deadline
  const f = r.add(US, 'request', at(7), requestBody());
  r.add(US, 'link-check', at(7, 6), { kind: 'operator', nonce, answerWithinSeconds: 600 });
  r.deliver(CN);
  r.add(CN, 'receipt', at(7, 7)); // stored an hour late: the link was down
  r.add(US, 'request-withdraw', at(8), { request: f.id, reason: 'Overtaken by events' });
  r.add(CN, 'incident-report', at(8, 12));
  r.add(US, 'incident-report', at(9));
  r.add(US, 'meeting', at(12, 14), {
    mechanism: 'dtl',
    kind: 'call',
    start: at(12, 13),
    durationMinutes: 60,
    participants: [{ name: 'C. Q. Brown', title: 'Chairman', party: US }],
    medium: 'telephone',
  });
  r.add(US, 'link-check', '2023-12-19T23:58:00.000Z', { kind: 'operator', nonce, answerWithinSeconds: 600 });
  return r;
}

const row = (rows: RequestRow[], side: string, mechanism: string) =>
  rows.find((x) => x.side === side && x.mechanism === mechanism);

describe('metrics from the record', () => {
  const record = scenario();

  it('counts requests per side and mechanism, with median and p90 time to answer', () => {
    const m = engagementMetrics(charter(), record.entries, { now });
    assert.deepEqual(row(m.requests.rows, US, 'dtl'), {
      side: US,
      mechanism: 'dtl',
      level: 2,
      made: 5,
      open: 0,
      countered: 0,
      accepted: 2,
      declined: 1,
      withdrawn: 1,
      unanswered: 2,
      late: 1,
      onSuspendedMechanism: 0,
      answered: 3,
      medianAnswerMs: 10 * hourMs,
      p90AnswerMs: 60 * hourMs,
    });
    const cn = row(m.requests.rows, CN, 'mmca')!;
    assert.equal(cn.level, 5);
    assert.equal(cn.made, 1);
    assert.equal(cn.countered, 1);
    assert.equal(cn.medianAnswerMs, hourMs);
    assert.deepEqual(
      m.requests.byLevel.map((x) => [x.side, x.mechanism, x.level, x.made, x.unanswered]),
      [
        [CN, '*', 5, 1, 0],
        [US, '*', 2, 5, 2],
      ],
    );
    assert.deepEqual(
      m.requests.bySide.map((x) => [x.side, x.mechanism, x.made]),
      [
        [CN, '*', 1],
        [US, '*', 5],
      ],
    );
  });

  it('narrows to a period, a mechanism and a level', () => {
    const period = engagementMetrics(charter(), record.entries, { now, from: at(2), to: at(30) });
    const dtl = row(period.requests.rows, US, 'dtl')!;
    assert.equal(dtl.made, 4);
    assert.equal(dtl.accepted, 1);
    assert.equal(dtl.medianAnswerMs, 10 * hourMs);
    assert.equal(dtl.p90AnswerMs, 60 * hourMs);
    assert.equal(period.incidents.total, 2, 'the November incident is outside the period');

    const mmca = engagementMetrics(charter(), record.entries, { now, mechanism: 'mmca' });
    assert.deepEqual(
      mmca.requests.rows.map((x) => x.mechanism),
      ['mmca'],
    );
    assert.deepEqual(
      mmca.contact.byMechanism.map((x) => x.mechanism),
      ['mmca'],
    );
    const level2 = engagementMetrics(charter(), record.entries, { now, level: 2 });
    assert.deepEqual(
      level2.requests.rows.map((x) => `${x.side}/${x.mechanism}`),
      [`${US}/dtl`],
    );
    const none = engagementMetrics(charter(), record.entries, { now, level: 4 });
    assert.deepEqual(none.requests.rows, []);
    assert.deepEqual(none.contact.byMechanism, []);
  });

  it('days since the last contact, per mechanism and level', () => {
    const m = engagementMetrics(charter(), record.entries, { now });
    assert.deepEqual(m.contact.byMechanism, [
      { mechanism: 'dtl', level: 2, lastContact: at(12, 13), daysSince: 7, meetingsInPeriod: 1 },
      { mechanism: 'mmca', level: 5, lastContact: null, daysSince: null, meetingsInPeriod: 0 },
    ]);
    assert.deepEqual(m.contact.byLevel, [
      { level: 2, lastContact: at(12, 13), daysSince: 7 },
      { level: 5, lastContact: null, daysSince: null },
    ]);
    const before = engagementMetrics(charter(), record.entries, { now: at(12, 12) });
    assert.equal(before.contact.byMechanism[0]!.lastContact, null, 'a meeting that has not started is no contact');
  });

  it('link uptime from node checks; operator checks split into political and technical silence', () => {
    const m = engagementMetrics(charter(), record.entries, { now });
    const usToCn = m.link.find((x) => x.checker === US && x.answerer === CN)!;
    assert.deepEqual(usToCn, {
      checker: US,
      answerer: CN,
      nodeChecks: 4,
      nodeAnswered: 2,
      uptime: 0.5,
      operatorChecks: 3,
      operatorAnswered: 1,
      operatorSilentWhileHealthy: 1,
      operatorUnansweredWhileDown: 1,
      pending: 1,
    });
    const cnToUs = m.link.find((x) => x.checker === CN && x.answerer === US)!;
    assert.equal(cnToUs.uptime, null, 'no samples is no uptime, not 0 or 1');
  });

  it('an operator check answered only by the node is not answered by a person', () => {
    const r = new MetricRecord();
    const o = r.add(US, 'link-check', at(1), { kind: 'operator', nonce, answerWithinSeconds: 600 });
    r.deliver(CN);
    r.add(CN, 'link-check-answer', at(1, 0, 1), { check: o.id, nonce, by: 'node' });
    const [usToCn] = linkMetrics([US, CN], r.entries, { now });
    assert.equal(usToCn!.operatorAnswered, 0);
    assert.equal(usToCn!.operatorSilentWhileHealthy, 1);
  });

  it('incidents per month and side; commitments by status', () => {
    const m = engagementMetrics(charter(), record.entries, { now });
    assert.deepEqual(m.incidents.byMonth, [
      { month: '2023-11', side: CN, count: 1 },
      { month: '2023-12', side: CN, count: 1 },
      { month: '2023-12', side: US, count: 1 },
    ]);
    assert.deepEqual(m.commitments, {
      total: 2,
      proposed: 1,
      agreed: 1,
      divergent: 1,
      overdue: 1,
      claimed: { [US]: { 'on-track': 1, none: 1 }, [CN]: { stalled: 1, none: 1 } },
    });
  });

  it('an empty record gives zeros and nulls, not errors', () => {
    const m = engagementMetrics(charter(), [], { now });
    assert.deepEqual(m.requests, { rows: [], byLevel: [], bySide: [] });
    assert.equal(m.incidents.total, 0);
    assert.equal(m.commitments.total, 0);
    assert.ok(m.link.every((x) => x.uptime === null && x.pending === 0));
  });
});

describe('metric statistics', () => {
  it('quantiles by nearest rank', () => {
    assert.equal(quantile([], 0.5), undefined);
    assert.equal(quantile([7], 0.9), 7);
    assert.equal(quantile([5, 1, 3], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10);
  });

  it('days, months and periods', () => {
    assert.equal(daysBetween(at(1), at(8, 23)), 7);
    assert.equal(daysBetween(at(8), at(1)), 0);
    assert.equal(monthOf(at(1)), '2023-12');
    assert.ok(inPeriod(at(1), {}));
    assert.ok(inPeriod(at(1), { from: at(1), to: at(1) }));
    assert.ok(!inPeriod(at(2), { to: at(1) }));
  });
});
