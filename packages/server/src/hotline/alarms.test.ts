import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { forEachDialect } from '../store/_util.js';
import type { AlarmRow } from '../store/store.js';
import { minute, nodePair } from './_util.js';
import { acknowledge } from './acknowledge.js';
import { HandlingAlarms, handlingAlarmKind, planAlarms } from './alarms.js';
import { databaseOf } from './hotline-db.js';
import type { OverdueMessage } from './message-status.js';
import { submitMessage } from './send-message.js';

const log = pino({ level: 'silent' });

function late(id: string, author: string, missing: string[]): OverdueMessage {
  return {
    id,
    author,
    seq: 1,
    serial: 1,
    precedence: 'FLASH',
    subject: 'Intercept',
    time: '2023-12-21T13:05:00.000Z',
    dtg: '211305Z DEC 23',
    due: '2023-12-21T13:15:00.000Z',
    missing: missing.map((party) => ({ party, stored: party !== 'jp-jso' })),
  };
}

function open(id: number, channel: string, message: string, party: string): AlarmRow {
  const details = JSON.stringify({ channel, message, party });
  return { id, kind: handlingAlarmKind, channel, message: 'x', details, raisedAt: '', clearedAt: null };
}

describe('handling-target alarm plan', () => {
  const overdue = new Map([
    [
      'c1',
      [
        late('own', 'us-js', ['cn-jsd', 'jp-jso']),
        late('theirs', 'cn-jsd', ['us-js', 'jp-jso']),
        late('others', 'cn-jsd', ['jp-jso']),
      ],
    ],
  ]);

  it('sounds for own messages unanswered by a recipient and for its own missing answers, not for others’ business', () => {
    const { raise, clear } = planAlarms('us-js', overdue, []);
    assert.deepEqual(
      raise.map((a) => [a.message, a.party, a.details.side]),
      [
        ['own', 'cn-jsd', 'sender'],
        ['own', 'jp-jso', 'sender'],
        ['theirs', 'us-js', 'receiver'],
      ],
    );
    assert.deepEqual(clear, []);
    assert.match(
      raise[0]!.text,
      /^FLASH serial 1 "Intercept" \(211305Z DEC 23\) to cn-jsd: .* \(due 211315Z DEC 23\); cn-jsd's node stored it$/,
    );
    assert.match(raise[1]!.text, /jp-jso is not known to hold it: check the link$/);
    assert.match(
      raise[2]!.text,
      /^FLASH serial 1 "Intercept" \(211305Z DEC 23\) from cn-jsd: not acknowledged here by a person/,
    );
  });

  it('raises nothing twice, and clears what was answered (and duplicates)', () => {
    const alarms = [
      open(1, 'c1', 'own', 'cn-jsd'),
      open(2, 'c1', 'own', 'cn-jsd'),
      open(3, 'c1', 'answered', 'cn-jsd'),
      { ...open(4, 'c1', 'own', 'jp-jso'), kind: 'fork' },
    ];
    const { raise, clear } = planAlarms('us-js', overdue, alarms);
    assert.deepEqual(
      raise.map((a) => [a.message, a.party]),
      [
        ['own', 'jp-jso'],
        ['theirs', 'us-js'],
      ],
    );
    assert.deepEqual(
      clear.map((a) => a.id),
      [2, 3],
    );
  });
});

forEachDialect('handling-target alarms', (t) => {
  it('raises on both sides when no person answers in time, and clears on both when one does', async () => {
    const p = await nodePair(t, { FLASH: 10 });
    const releaser = { user: 'ann', roles: ['releaser' as const] };
    const m = await submitMessage(
      p.us,
      p.channel,
      releaser,
      {
        precedence: 'FLASH',
        subject: 'Intercept in progress',
        text: 'Request immediate call.',
        language: 'en',
        marking: 'UNCLASSIFIED',
        attachments: [],
      },
      true,
    );
    assert.equal(m.kind, 'sent');
    await p.settle();
    const us = new HandlingAlarms(p.us, { log });
    const cn = new HandlingAlarms(p.cn, { log });
    const handling = async (node: typeof p.us) =>
      (await node.store.openAlarms()).filter((a) => a.kind === handlingAlarmKind);

    p.clock.advance(10 * minute);
    assert.deepEqual(
      [await us.check(), await cn.check()],
      [
        { raised: 0, cleared: 0 },
        { raised: 0, cleared: 0 },
      ],
    );

    p.clock.advance(1);
    const raised: string[] = [];
    p.us.events.on('alarm', (a) => raised.push(a.message));
    assert.deepEqual(
      [await us.check(), await cn.check()],
      [
        { raised: 1, cleared: 0 },
        { raised: 1, cleared: 0 },
      ],
    );
    assert.deepEqual(
      [await us.check(), await cn.check()],
      [
        { raised: 0, cleared: 0 },
        { raised: 0, cleared: 0 },
      ],
    );
    const [atUs] = await handling(p.us);
    const [atCn] = await handling(p.cn);
    assert.match(atUs!.message, /to cn-jsd: no person there has acknowledged it/);
    assert.match(atCn!.message, /from us-js: not acknowledged here by a person/);
    assert.equal(JSON.parse(atUs!.details).side, 'sender');
    assert.equal(JSON.parse(atCn!.details).side, 'receiver');
    assert.deepEqual(raised, [atUs!.message]);

    await acknowledge(p.cn, p.channel, (m as { id: string }).id, { user: 'duty', roles: ['operator'] });
    assert.deepEqual(await cn.check(), { raised: 0, cleared: 1 });
    assert.deepEqual(await us.check(), { raised: 0, cleared: 0 }, 'the sender has not seen the ack yet');
    await p.settle();
    assert.deepEqual(await us.check(), { raised: 0, cleared: 1 });
    assert.deepEqual([await handling(p.us), await handling(p.cn)], [[], []]);
  });

  it('settles what every recipient answered past its target, and reads settled messages no more', async () => {
    const p = await nodePair(t, { FLASH: 10, IMMEDIATE: 10, PRIORITY: 10, ROUTINE: 10 });
    const ann = { user: 'ann', roles: ['operator' as const] };
    const send = async (subject: string) => {
      const m = await submitMessage(p.us, p.channel, ann, {
        precedence: 'ROUTINE',
        subject,
        text: 'x',
        language: 'en',
        marking: 'UNCLASSIFIED',
        attachments: [],
      });
      return (m as { id: string }).id;
    };
    const answered = await send('answered in time');
    const late = await send('answered late');
    await p.settle();
    await acknowledge(p.cn, p.channel, answered, { user: 'duty', roles: ['operator'] });
    const cn = new HandlingAlarms(p.cn, { log });
    const settledAt = async () =>
      (
        await databaseOf(p.cn.store).selectFrom('messages').select(['id', 'settled']).where('settled', '=', 1).execute()
      ).map((r) => r.id);

    p.clock.advance(11 * minute);
    const fresh = await send('answered, not yet due');
    await p.settle();
    await acknowledge(p.cn, p.channel, fresh, { user: 'duty', roles: ['operator'] });
    assert.deepEqual(await cn.check(), { raised: 1, cleared: 0 }, 'the late one is overdue');
    assert.deepEqual(await settledAt(), [answered], 'past its target and answered: settled; not yet due: not');

    await acknowledge(p.cn, p.channel, late, { user: 'duty', roles: ['operator'] });
    assert.deepEqual(await cn.check(), { raised: 0, cleared: 1 });
    assert.deepEqual((await settledAt()).sort(), [answered, late].sort());

    // A settled message is not read again: marked so by hand although unanswered, it raises nothing.
    const unanswered = await send('never answered');
    await p.settle();
    await databaseOf(p.cn.store).updateTable('messages').set({ settled: 1 }).where('id', '=', unanswered).execute();
    p.clock.advance(11 * minute);
    assert.deepEqual(await cn.check(), { raised: 0, cleared: 0 });

    // A cache: a rebuild forgets it, and the next check marks the same again.
    await p.cn.store.rebuildProjections();
    assert.deepEqual(await settledAt(), []);
    assert.deepEqual(await cn.check(), { raised: 1, cleared: 0 }, 'the unanswered one is found again');
    assert.deepEqual((await settledAt()).sort(), [answered, late, fresh].sort(), 'fresh is past its target now');
  });

  it('checks as answers arrive once started', async () => {
    const p = await nodePair(t, { FLASH: 1, IMMEDIATE: 1, PRIORITY: 1, ROUTINE: 1 });
    const m = await submitMessage(
      p.us,
      p.channel,
      { user: 'ann', roles: ['operator'] },
      {
        precedence: 'ROUTINE',
        subject: 'Routine',
        text: 'x',
        language: 'en',
        marking: 'UNCLASSIFIED',
        attachments: [],
      },
    );
    await p.settle();
    p.clock.advance(2 * minute);
    const cn = new HandlingAlarms(p.cn, { log, intervalMs: 60_000 });
    cn.start();
    try {
      await waitFor(async () => (await p.cn.store.openAlarms()).length === 1);
      await acknowledge(p.cn, p.channel, (m as { id: string }).id, { user: 'duty', roles: ['operator'] });
      await waitFor(async () => (await p.cn.store.openAlarms()).length === 0);
    } finally {
      await cn.stop();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
