import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countdown, dtg, utcSeconds } from '../time/dtg.js';

describe('console times', () => {
  it('writes date-time groups in UTC', () => {
    assert.equal(dtg('2023-12-21T13:05:00.000Z'), '211305Z DEC 23');
    assert.equal(dtg('2024-01-02T00:00:59+08:00'), '011600Z JAN 24');
    assert.equal(dtg('not a time'), '—');
  });
  it('writes seconds when asked', () => {
    assert.equal(utcSeconds('2023-12-21T13:05:09.400Z'), '2023-12-21 13:05:09Z');
  });
  it('counts down to a target, negative once past', () => {
    assert.equal(countdown(9 * 60_000 + 59_500), '09:59');
    assert.equal(countdown(-61_000), '-01:01');
    assert.equal(countdown(3 * 3_600_000 + 5_000), '3:00:05');
  });
});
