import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dueInSeconds, overdueSeconds } from './views.js';

const due = Date.parse('2026-11-26T12:00:00.000Z');
const iso = new Date(due).toISOString();
/** What message-status.ts decides: overdue once now is past due. */
const overdue = (now: number) => now > due;

it('counts down to the handling target with a sign that agrees with the overdue flag, at every boundary', () => {
  for (const delta of [-60_000, -1_500, -1_000, -999, -500, -1, 0, 1, 400, 500, 999, 1_000, 1_001, 60_000]) {
    const now = due + delta;
    const left = dueInSeconds(due, now);
    assert.equal(left < 0, overdue(now), `dueInSeconds ${left} at due${delta >= 0 ? '+' : ''}${delta} ms`);
    assert.equal(overdueSeconds(iso, now) > 0, overdue(now), `overdueSeconds at due+${delta} ms`);
    assert.ok(!Object.is(left, -0), 'no negative zero');
  }
  assert.equal(dueInSeconds(due, due), 0, 'exactly at the target: 0 left, not overdue');
  assert.equal(overdueSeconds(iso, due), 0);
  assert.equal(dueInSeconds(due, due + 60_000), -60);
  assert.equal(overdueSeconds(iso, due + 60_000), 60);
  assert.equal(dueInSeconds(due, due - 360 * 60_000), 360 * 60);
});
