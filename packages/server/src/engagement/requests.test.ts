import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CN, charter, entry, requestBody, slot, t, US } from './_fixtures.js';
import { newMechanisms } from './mechanisms.js';
import type { RecordEntry } from './record-view.js';
import {
  checkRequestEntry,
  foldRequests,
  newRequestsState,
  type RequestsState,
  stepRequests,
  viewsOf,
} from './requests.js';

const now = t(1, 12);

function fold(entries: RecordEntry[], at = now) {
  return foldRequests(entries, { charter: charter(), now: at });
}

function stateOf(entries: RecordEntry[]): RequestsState {
  const s = newRequestsState(newMechanisms(charter()));
  for (const e of entries) assert.equal(stepRequests(s, e), null, `setup entry ${e.type} by ${e.author} is valid`);
  return s;
}

/** A request by US, brought into each state. */
function scenarios() {
  const request = entry(US, 'request', t(1), requestBody());
  const r = request.id;
  const counter = () => entry(CN, 'request-counter', t(2), { request: r, slots: [slot(t(20))], note: 'Later' });
  return {
    request,
    cases: {
      open: [request],
      unanswered: [request],
      countered: [request, counter()],
      accepted: [request, entry(CN, 'request-accept', t(2), { request: r, slot: 0 })],
      declined: [request, entry(CN, 'request-decline', t(2), { request: r, reason: 'Not now' })],
      withdrawn: [request, entry(US, 'request-withdraw', t(2), { request: r, reason: 'Overtaken' })],
    } as Record<string, RecordEntry[]>,
  };
}

/** Who may write what, per state: [type, author] allowed. Everything else is refused. */
const allowed: Record<string, string[]> = {
  open: [`request-accept ${CN}`, `request-decline ${CN}`, `request-counter ${CN}`, `request-withdraw ${US}`],
  countered: [`request-accept ${US}`, `request-decline ${US}`, `request-counter ${US}`, `request-withdraw ${US}`],
  // Past its deadline with no answer: a late answer is still an answer (and the silence stays on record).
  unanswered: [`request-accept ${CN}`, `request-decline ${CN}`, `request-counter ${CN}`, `request-withdraw ${US}`],
  accepted: [],
  declined: [],
  withdrawn: [],
};

describe('request transitions × authors', () => {
  for (const state of Object.keys(allowed)) {
    for (const type of ['request-accept', 'request-decline', 'request-counter', 'request-withdraw']) {
      for (const author of [US, CN]) {
        const expected = allowed[state]!.includes(`${type} ${author}`);
        it(`${state}: ${type} by ${author} is ${expected ? 'allowed' : 'refused'}`, () => {
          const { request, cases } = scenarios();
          const s = stateOf(cases[state]!);
          const body: Record<string, unknown> = { request: request.id };
          if (type === 'request-accept') body.slot = 0;
          if (type === 'request-counter') Object.assign(body, { slots: [slot(t(25))], note: 'n' });
          if (type === 'request-decline' || type === 'request-withdraw') body.reason = 'r';
          const at = state === 'unanswered' ? t(11) : t(3);
          const reason = checkRequestEntry(s, entry(author, type, at, body));
          if (expected) assert.equal(reason, null);
          else assert.equal(typeof reason, 'string');
        });
      }
    }
  }

  it('names the reason exactly', () => {
    const { request, cases } = scenarios();
    const s = stateOf(cases.open!);
    const own = checkRequestEntry(s, entry(US, 'request-accept', t(3), { request: request.id, slot: 0 }));
    assert.equal(own, `us-js made request ${request.id.slice(0, 8)}: only another member answers it`);
    const closed = checkRequestEntry(
      stateOf(cases.declined!),
      entry(CN, 'request-accept', t(3), { request: request.id, slot: 0 }),
    );
    assert.equal(closed, `request ${request.id.slice(0, 8)} is declined: it takes no further answer`);
    const slotOut = checkRequestEntry(s, entry(CN, 'request-accept', t(3), { request: request.id, slot: 2 }));
    assert.equal(slotOut, `slot 2 is not among the 2 slot(s) proposed in ${request.id.slice(0, 8)}`);
    const unknown = checkRequestEntry(s, entry(CN, 'request-decline', t(3), { request: 'X'.repeat(43), reason: 'r' }));
    assert.equal(unknown, 'XXXXXXXX is not a request in this channel');
    const withdraw = checkRequestEntry(s, entry(CN, 'request-withdraw', t(3), { request: request.id, reason: 'r' }));
    assert.equal(withdraw, `only the requester us-js withdraws request ${request.id.slice(0, 8)}`);
  });

  it('accepting a counter picks from the counter slots', () => {
    const { request, cases } = scenarios();
    const s = stateOf(cases.countered!);
    assert.match(
      checkRequestEntry(s, entry(US, 'request-accept', t(3), { request: request.id, slot: 1 })) ?? '',
      /slot 1 is not among the 1 slot/,
    );
    const counterId = cases.countered![1]!.id;
    assert.equal(checkRequestEntry(s, entry(US, 'request-accept', t(3), { request: counterId, slot: 0 })), null);
  });

  it('refuses requests on unknown mechanisms, wrong kinds, past deadlines', () => {
    const s = stateOf([]);
    assert.equal(
      checkRequestEntry(s, entry(US, 'request', t(1), requestBody({ mechanism: 'nope' }))),
      'the charter names no mechanism nope',
    );
    assert.equal(
      checkRequestEntry(s, entry(US, 'request', t(1), requestBody({ kind: 'visit' }))),
      'mechanism dtl is for call, video-teleconference, not visit',
    );
    assert.match(
      checkRequestEntry(s, entry(US, 'request', t(11), requestBody())) ?? '',
      /is not after the request's time/,
    );
  });
});

describe('the request fold', () => {
  it('derives unanswered once the deadline passes with no answer in the responder feed', () => {
    const { cases } = scenarios();
    assert.equal(fold(cases.open!, t(9)).requests[0]!.state, 'open');
    const after = fold(cases.open!, t(10)).requests[0]!;
    assert.equal(after.state, 'unanswered');
    assert.equal(after.unansweredAtDeadline, true);
    assert.deepEqual(after.turn, [CN]);
  });

  it('keeps the time to answer and marks late answers', () => {
    const { cases, request } = scenarios();
    const answered = fold(cases.accepted!, t(15)).requests[0]!;
    assert.equal(answered.state, 'accepted');
    assert.equal(answered.answerMs, 24 * 3_600_000);
    assert.equal(answered.unansweredAtDeadline, false);
    assert.deepEqual(answered.accepted?.slot, slot('2023-12-21T13:00:00.000Z'));
    const late = fold([request, entry(CN, 'request-decline', t(11), { request: request.id, reason: 'No' })], t(15))
      .requests[0]!;
    assert.equal(late.state, 'declined');
    assert.equal(late.late, true);
    assert.equal(late.unansweredAtDeadline, true);
  });

  it('a withdrawal before the deadline is not silence', () => {
    const { cases } = scenarios();
    const r = fold(cases.withdrawn!, t(15)).requests[0]!;
    assert.equal(r.state, 'withdrawn');
    assert.equal(r.unansweredAtDeadline, false);
    assert.equal(r.firstAnswer, undefined);
  });

  it("stores a peer's invalid answer, flags it, and changes nothing", () => {
    const { cases, request } = scenarios();
    const bad = entry(CN, 'request-accept', t(3), { request: request.id, slot: 0 });
    const f = fold([...cases.declined!, bad]);
    assert.equal(f.requests[0]!.state, 'declined');
    assert.equal(f.violations.length, 1);
    assert.equal(f.violations[0]!.entry, bad.id);
    assert.equal(
      f.requests[0]!.steps.at(-1)?.invalid,
      `request ${request.id.slice(0, 8)} is declined: it takes no further answer`,
    );
  });

  it("keeps a peer's request on a mechanism the charter does not name, marked invalid, never unanswered", () => {
    const bad = entry(CN, 'request', t(1), requestBody({ mechanism: 'secret-channel' }));
    const f = fold([bad], t(20));
    assert.equal(f.requests.length, 1);
    assert.equal(f.requests[0]!.invalid, 'the charter names no mechanism secret-channel');
    assert.equal(f.requests[0]!.unansweredAtDeadline, false);
    assert.deepEqual(f.requests[0]!.turn, []);
    assert.equal(f.violations[0]?.entry, bad.id);
  });

  it('a flagged request can be declined, never accepted or countered; a flagged meeting is never confirmed', () => {
    const bad = entry(CN, 'request', t(1), requestBody({ mechanism: 'secret-channel' }));
    const accept = entry(US, 'request-accept', t(2), { request: bad.id, slot: 0 });
    const counter = entry(US, 'request-counter', t(2), { request: bad.id, slots: [slot(t(20))], note: 'n' });
    const decline = entry(US, 'request-decline', t(3), { request: bad.id, reason: 'No such mechanism' });
    const f = fold([bad, accept, counter, decline], t(20));
    const flagged = `request ${bad.id.slice(0, 8)} is flagged (the charter names no mechanism secret-channel): it can only be declined`;
    assert.deepEqual(
      f.violations.map((v) => [v.entry, v.reason]),
      [
        [bad.id, 'the charter names no mechanism secret-channel'],
        [accept.id, flagged],
        [counter.id, flagged],
      ],
    );
    assert.equal(f.requests[0]!.state, 'declined');
    const meeting = entry(CN, 'meeting', t(1), {
      mechanism: 'secret-channel',
      kind: 'call',
      start: t(1),
      durationMinutes: 30,
      participants: [],
      medium: 'telephone',
    });
    const confirm = entry(US, 'meeting-confirm', t(2), { meeting: meeting.id });
    const g = fold([meeting, confirm], t(3));
    assert.equal(
      g.violations[1]?.reason,
      `meeting ${meeting.id.slice(0, 8)} is flagged (the charter names no mechanism secret-channel): it cannot be confirmed`,
    );
    assert.deepEqual(g.meetings[0]!.confirmedBy, []);
  });

  it('orders an answer after its request even when the answering clock is behind', () => {
    const { request } = scenarios();
    const answer = entry(CN, 'request-accept', '2023-11-30T23:59:00.000Z', { request: request.id, slot: 0 });
    const f = fold([answer, request]);
    assert.equal(f.requests[0]!.state, 'accepted');
    assert.equal(f.violations.length, 0);
  });

  it('records a request on a suspended mechanism as such', () => {
    const suspend = entry(CN, 'mechanism-suspend', t(1), {
      mechanism: 'dtl',
      reason: 'Countermeasures',
      effective: t(1),
    });
    const request = entry(US, 'request', t(1, 1), requestBody());
    const f = fold([suspend, request]);
    assert.equal(f.requests[0]!.onSuspendedMechanism, true);
    assert.equal(f.violations.length, 0);
    const resume = entry(CN, 'mechanism-resume', t(1, 2), { mechanism: 'dtl', note: 'Resumed' });
    const again = entry(US, 'request', t(1, 3), requestBody());
    assert.equal(fold([suspend, resume, again]).requests[0]!.onSuspendedMechanism, false);
  });
});

describe('meeting transitions × authors', () => {
  const start = t(5);
  function meetingCase(state: string) {
    const m = entry(US, 'meeting', t(1), {
      mechanism: 'dtl',
      kind: 'video-teleconference',
      start,
      durationMinutes: 60,
      participants: [{ name: 'A', title: 'B', party: US }],
      medium: 'video-teleconference',
    });
    const list = [m];
    if (state === 'confirmed') list.push(entry(CN, 'meeting-confirm', t(6), { meeting: m.id }));
    if (state === 'postponed') list.push(entry(CN, 'meeting-postpone', t(2), { meeting: m.id, reason: 'r' }));
    if (state === 'cancelled') list.push(entry(CN, 'meeting-cancel', t(2), { meeting: m.id, reason: 'r' }));
    return { m, list };
  }
  // [state, time of the step] → allowed "type author"
  const table: Array<[string, string, string[]]> = [
    [
      'scheduled',
      t(3),
      [`meeting-postpone ${US}`, `meeting-postpone ${CN}`, `meeting-cancel ${US}`, `meeting-cancel ${CN}`],
    ],
    ['scheduled', t(6), [`meeting-confirm ${CN}`]],
    ['confirmed', t(7), []],
    ['postponed', t(3), [`meeting-cancel ${US}`, `meeting-cancel ${CN}`]],
    ['cancelled', t(3), []],
  ];
  for (const [state, time, ok] of table) {
    for (const type of ['meeting-confirm', 'meeting-postpone', 'meeting-cancel']) {
      for (const author of [US, CN]) {
        const expected = ok.includes(`${type} ${author}`);
        it(`${state} at ${time.slice(5, 10)}: ${type} by ${author} is ${expected ? 'allowed' : 'refused'}`, () => {
          const { m, list } = meetingCase(state);
          const s = stateOf(list);
          const body: Record<string, unknown> = { meeting: m.id };
          if (type !== 'meeting-confirm') body.reason = 'r';
          const reason = checkRequestEntry(s, entry(author, type, time, body));
          if (expected) assert.equal(reason, null);
          else assert.equal(typeof reason, 'string');
        });
      }
    }
  }

  it('a meeting on a request needs it accepted; states follow the clock', () => {
    const { request, cases } = scenarios();
    const meeting = (author: string) =>
      entry(author, 'meeting', t(3), {
        request: request.id,
        mechanism: 'dtl',
        kind: 'video-teleconference',
        start: t(21, 13),
        durationMinutes: 60,
        participants: [{ name: 'A', title: 'B', party: US }],
        medium: 'video-teleconference',
      });
    assert.equal(
      checkRequestEntry(stateOf(cases.open!), meeting(US)),
      `request ${request.id.slice(0, 8)} is not accepted: a meeting on it needs an accepted slot`,
    );
    const s = stateOf(cases.accepted!);
    const m = meeting(US);
    assert.equal(stepRequests(s, m), null);
    assert.equal(viewsOf(s, t(20)).meetings[0]!.state, 'scheduled');
    assert.equal(viewsOf(s, t(22)).meetings[0]!.state, 'held');
    assert.deepEqual(viewsOf(s, t(22)).requests[0]!.meetings, [m.id]);
    assert.equal(stepRequests(s, entry(CN, 'meeting-confirm', t(22), { meeting: m.id })), null);
    assert.equal(viewsOf(s, t(22)).meetings[0]!.state, 'confirmed');
  });
});
