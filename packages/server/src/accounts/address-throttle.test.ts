import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock/clock.js';
import { AddressThrottle } from './address-throttle.js';

describe('address throttle', () => {
  it('holds an address after `limit` failures within the window, until the oldest ages out', () => {
    const clock = new ManualClock(0);
    const throttle = new AddressThrottle(clock, 3, 60_000);
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.retryAfterMs('a'), 0);
      throttle.fail('a');
      clock.advance(10_000);
    }
    assert.equal(throttle.retryAfterMs('a'), 30_000);
    assert.equal(throttle.retryAfterMs('b'), 0, 'other addresses go on');
    clock.advance(30_000);
    assert.equal(throttle.retryAfterMs('a'), 0);
  });

  it('forgets the least recently failing address past its bound', () => {
    const clock = new ManualClock(0);
    const throttle = new AddressThrottle(clock, 1, 60_000, 2);
    for (const a of ['a', 'b', 'c']) throttle.fail(a);
    assert.deepEqual(
      ['a', 'b', 'c'].map((a) => throttle.retryAfterMs(a) > 0),
      [false, true, true],
    );
  });
});
