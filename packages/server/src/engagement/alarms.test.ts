import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { ParleyNode } from '../node/node.js';
import type { AlarmRow } from '../store/store.js';
import { CN, charter, entry, requestBody, t, US } from './_fixtures.js';
import { dueAlarms, EngagementAlarms, leadMs, planEngagementAlarms } from './alarms.js';
import { engagementViews, foldEngagement } from './fold.js';

const channel = 'C'.repeat(43);
const due = (self: string, entries: Parameters<typeof foldEngagement>[1], now: string) =>
  dueAlarms(self, channel, engagementViews(foldEngagement(charter(), entries), now), now);

describe('engagement alarms (pure)', () => {
  const request = entry(US, 'request', t(1), requestBody());

  it('warns a quarter of the answer time before the deadline, at most 6 h', () => {
    assert.equal(leadMs(t(1), t(2)), 6 * 3_600_000);
    assert.equal(leadMs(t(1), t(1, 4)), 3_600_000);
  });

  it('sounds near and at the deadline on both sides, never for others', () => {
    assert.deepEqual(due(US, [request], t(9, 12)), []);
    assert.deepEqual(
      due(CN, [request], t(9, 19)).map((a) => a.kind),
      ['request-deadline-near'],
    );
    const at = due(US, [request], t(10));
    assert.deepEqual(
      at.map((a) => a.kind),
      ['request-unanswered'],
    );
    assert.match(
      at[0]!.message,
      /unanswered — its deadline 2023-12-10T00:00:00.000Z passed with no answer in cn-jsd's feed/,
    );
    assert.deepEqual(due('xx-other', [request], t(10)), []);
  });

  it('raises what is due once, clears what was answered, keeps rule violations', () => {
    const alarms = due(US, [request], t(10));
    const row = (id: number, kind: string, entryId: string): AlarmRow => ({
      id,
      kind,
      channel,
      message: 'm',
      details: JSON.stringify({ request: entryId, entry: entryId }),
      raisedAt: t(10),
      clearedAt: null,
    });
    const open = [
      row(1, 'request-unanswered', request.id),
      row(2, 'request-deadline-near', request.id),
      row(3, 'rule-violation', 'X'),
    ];
    const plan = planEngagementAlarms(alarms, open, new Set([channel]));
    assert.deepEqual(plan.raise, []);
    assert.deepEqual(
      plan.clear.map((r) => r.id),
      [2],
    );
    const fresh = planEngagementAlarms(alarms, [], new Set([channel]));
    assert.equal(fresh.raise.length, 1);
  });

  it('flags notifications not acknowledged by their deadline', () => {
    const n = entry(CN, 'notification', t(1), {
      format: 'missile-launch',
      language: 'en',
      data: {
        missileCategory: 'cruise',
        purpose: 'test',
        launchWindowStart: t(1, 2),
        launchWindowEnd: t(1, 3),
        launchArea: { centre: { lat: 1, lon: 1 }, radiusKm: 1 },
        impactArea: { centre: { lat: 2, lon: 2 }, radiusKm: 1 },
      },
    });
    assert.deepEqual(due(US, [n], t(1, 0)), []);
    assert.deepEqual(
      due(US, [n], t(1, 2)).map((a) => a.kind),
      ['notification-unacknowledged'],
    );
    assert.deepEqual(
      due(CN, [n], t(1, 2)).map((a) => a.kind),
      ['notification-unacknowledged'],
    );
  });
});

describe('engagement alarms (the periodic check)', () => {
  it('makes one check of a burst of appended entries, not one per entry', async () => {
    let checks = 0;
    const events = new EventEmitter();
    const node = {
      party: US,
      events,
      now: () => t(1),
      store: {
        listChannels: async () => {
          checks++;
          return [];
        },
        openAlarms: async () => [],
      },
    } as unknown as ParleyNode;
    const alarms = new EngagementAlarms(node, { log: pino({ level: 'silent' }), intervalMs: 3_600_000 });
    alarms.start();
    for (let i = 0; i < 200; i++) events.emit('appended', { channel, own: false, types: ['request'] });
    await alarms.check();
    assert.equal(checks, 1, 'the start, the burst and the explicit check share the one queued check');
    events.emit('appended', { channel, own: false, types: ['request'] });
    events.emit('appended', { channel, own: false, types: ['receipt'] });
    await alarms.stop();
    assert.equal(checks, 2, 'an entry after a check started is checked again; a receipt is not');
  });
});
