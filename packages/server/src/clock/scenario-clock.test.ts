import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { readEnv } from '../config/env.js';
import { demoSchedule, fastRateFor, presentAt, slowRate, slowWindows } from '../demo/schedule.js';
import { nodePair } from '../hotline/_util.js';
import { Automation } from '../node/automation.js';
import { forEachDialect } from '../store/_util.js';
import { type Clock, formatClockScenario, type ManualClock, parseClockScenario, scenarioClock } from './clock.js';

const hour = 3_600_000;
const day = 24 * hour;
const start = Date.parse('2022-08-01T00:00:00.000Z');

/** A wall clock the test sets. */
function wall(at: number): Clock & { at: number } {
  const w = { at, now: () => w.at };
  return w;
}

describe('scenario clock', () => {
  it('stands at start at the anchor and runs rate× fast', () => {
    const w = wall(Date.parse('2026-01-01T00:00:00.000Z'));
    const clock = scenarioClock({ start, anchor: w.at, rate: 3600 }, w);
    assert.equal(clock.now(), start);
    w.at += 1000;
    assert.equal(clock.now(), start + hour, 'one real second is one scenario hour');
  });

  it('continues at real time once it reaches the present, and never goes backwards', () => {
    const anchor = Date.parse('2026-01-01T00:00:00.000Z');
    const w = wall(anchor);
    const rate = 1_000_000;
    const clock = scenarioClock({ start, anchor, rate }, w);
    const meets = presentAt({ start, anchor, rate }, anchor);
    assert.ok(meets > anchor && meets < anchor + 200_000, 'it meets the present a couple of minutes later');
    let last = clock.now();
    for (w.at = anchor; w.at < meets + 10_000; w.at += 137) {
      const now = clock.now();
      assert.ok(now >= last, `time went backwards at wall ${w.at}`);
      assert.ok(now <= w.at, 'never ahead of the real present');
      last = now;
    }
    w.at = meets + 60_000;
    assert.equal(clock.now(), w.at, 'after meeting the present it is the real time');
  });

  it('changes rate at each step, continuously', () => {
    const anchor = Date.parse('2026-01-01T00:00:00.000Z');
    const w = wall(anchor);
    const spec = { start, anchor, rate: 100_000, steps: [{ at: start + 10 * day, rate: 3600 }] };
    const clock = scenarioClock(spec, w);
    w.at = anchor + (10 * day) / 100_000;
    assert.equal(clock.now(), start + 10 * day);
    w.at += 1000;
    assert.equal(clock.now(), start + 10 * day + hour, 'at the step rate after the step');
  });

  it('two processes given the same text agree', () => {
    const text = '2022-08-01T00:00:00.000Z@1764000000000x500000;2022-08-05T09:40:00.000Zx3600';
    const a = parseClockScenario(text);
    const b = parseClockScenario(text);
    assert.ok(typeof a !== 'string' && typeof b !== 'string');
    assert.equal(formatClockScenario(a), text, 'formats back to the same text');
    const w = wall(1764000000000 + 12_345);
    assert.equal(scenarioClock(a, w).now(), scenarioClock(b, w).now());
  });

  it('rejects malformed specs with a reason', () => {
    for (const bad of [
      '',
      'yesterday',
      '2022-08-01T00:00:00Z@x5',
      '2022-08-01T00:00:00Z@5x0',
      '2022-08-01T00:00:00Z@5x10;2022-07-01T00:00:00Zx5',
    ])
      assert.equal(typeof parseClockScenario(bad), 'string', bad);
  });

  it('is read from PARLEY_CLOCK_SCENARIO, and a bad value is a usage error', () => {
    const env = readEnv({ PARLEY_CLOCK_SCENARIO: '2022-08-01T00:00:00Z@1764000000000x500000' });
    assert.deepEqual(env.clockScenario, { start, anchor: 1764000000000, rate: 500000 });
    assert.equal(readEnv({}).clockScenario, undefined);
    assert.throws(() => readEnv({ PARLEY_CLOCK_SCENARIO: 'soon' }), /PARLEY_CLOCK_SCENARIO/);
  });
});

describe('demo schedule', () => {
  const events = [start + 4 * day, start + 4 * day + 10 * 60_000, start + 200 * day];

  it('is slow around events (merged when close) and fast between them', () => {
    assert.deepEqual(slowWindows(start, events), [
      [start + 4 * day - 10 * 60_000, start + 4 * day + 70 * 60_000],
      [start + 200 * day - 10 * 60_000, start + 200 * day + 60 * 60_000],
    ]);
    const anchor = Date.parse('2026-01-01T00:00:00.000Z');
    const spec = demoSchedule(start, anchor, events, 500_000);
    assert.equal(spec.rate, 500_000);
    assert.deepEqual(
      spec.steps?.map((s) => s.rate),
      [slowRate, 500_000, slowRate, 500_000],
    );
    const clock = scenarioClock(spec, wall(anchor + (4 * day - 10 * 60_000) / 500_000 + 250));
    assert.equal(
      clock.now(),
      start + 4 * day + 5 * 60_000,
      'a quarter of a real second (15 min) into the first slow window',
    );
  });

  it('starts slow when resumed inside a window', () => {
    const spec = demoSchedule(start + 4 * day, 0, events, 500_000);
    assert.equal(spec.rate, slowRate);
  });

  it('chooses the fast rate that reaches the present in about the minutes asked', () => {
    const present = start + 1000 * day;
    const rate = fastRateFor(start, events, present, 2);
    const spec = demoSchedule(start, present, events, rate);
    const after = presentAt(spec, present) - present;
    // ±5 s of the two minutes asked (the slow windows take about 2.7 s of it).
    assert.ok(Math.abs(after - 120_000) < 5000, `meets the present after ${after} ms`);
  });
});

forEachDialect('automation on a fast clock', (t) => {
  it('writes one link check per tick when many intervals passed at once, not one per missed hour', async () => {
    const pair = await nodePair(t);
    const clock = pair.clock as ManualClock;
    const automation = new Automation(pair.us, {
      checkpointEntries: 1000,
      checkpointSeconds: 3600,
      log: pino({ level: 'silent' }),
    });
    const checks = async () => {
      let n = 0;
      for (const row of await pair.us.store.range(pair.channel, 'us-js', 1, 1000)) if (row.type === 'link-check') n++;
      return n;
    };
    const tick = () => new Promise((r) => setTimeout(r, 1300));
    try {
      automation.start();
      await tick(); // the first tick only notes the time
      clock.advance(500 * hour);
      await tick();
      assert.equal(await checks(), 1, 'one check, not 500');
      clock.advance(500 * hour);
      await tick();
      assert.equal(await checks(), 2);
      await tick();
      assert.equal(await checks(), 2, 'no check while the clock stands');
    } finally {
      await automation.stop();
    }
  });
});
