import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError, type Precedence } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { minute, nodePair, t0 } from './_util.js';
import { acknowledge, reportUnread } from './acknowledge.js';
import type { Compose } from './compose.js';
import { databaseOf } from './hotline-db.js';
import { messageStatus, messageStatuses, overdue } from './message-status.js';
import type { Person } from './person.js';
import { type Sent, submitMessage } from './send-message.js';

const ann: Person = { user: 'ann', roles: ['operator', 'releaser'] };
const duty: Person = { user: 'duty-officer', roles: ['operator'] };
const iso = (ms: number) => new Date(ms).toISOString();

function compose(precedence: Precedence, subject = `${precedence} test`): Compose {
  return { precedence, subject, text: 'Text.', language: 'en', marking: 'UNCLASSIFIED', attachments: [] };
}

async function send(node: Parameters<typeof submitMessage>[0], channel: string, precedence: Precedence) {
  const r = await submitMessage(
    node,
    channel,
    ann,
    compose(precedence),
    precedence === 'FLASH' || precedence === 'IMMEDIATE',
  );
  assert.equal(r.kind, 'sent');
  return r as Sent;
}

forEachDialect('hotline message status', (t) => {
  it('follows a message from sent to stored to read, with times, on both sides', async () => {
    const p = await nodePair(t, { FLASH: 10 });
    const m = await send(p.us, p.channel, 'FLASH');
    const first = await messageStatus(p.us.store, p.channel, m.id, p.clock.now());
    assert.deepEqual(
      { ...first, recipients: undefined },
      {
        id: m.id,
        channel: p.channel,
        author: 'us-js',
        seq: 1,
        serial: 1,
        precedence: 'FLASH',
        subject: 'FLASH test',
        language: 'en',
        time: iso(t0),
        dtg: '211305Z DEC 23',
        targetMinutes: 10,
        due: iso(t0 + 10 * minute),
        overdue: false,
        recipients: undefined,
      },
    );
    assert.deepEqual(first.recipients, [
      { party: 'cn-jsd', state: 'sent', stored: null, read: null, unread: null, overdue: false, late: false },
    ]);

    p.clock.advance(minute);
    await p.settle();
    const receipt = (await p.cn.store.getEntry(p.channel, 'cn-jsd', 1))!;
    assert.equal(receipt.type, 'receipt');
    const stored = { at: iso(t0 + minute), entry: receipt.id, seq: 1 };
    for (const node of [p.us, p.cn]) {
      const s = await messageStatus(node.store, p.channel, m.id, p.clock.now());
      assert.deepEqual(s.recipients, [
        { party: 'cn-jsd', state: 'stored', stored, read: null, unread: null, overdue: false, late: false },
      ]);
    }

    p.clock.advance(9 * minute + 1);
    for (const node of [p.us, p.cn]) {
      assert.deepEqual(await overdue(node.store, p.channel, p.clock.now()), [
        {
          id: m.id,
          author: 'us-js',
          seq: 1,
          serial: 1,
          precedence: 'FLASH',
          subject: 'FLASH test',
          time: iso(t0),
          dtg: '211305Z DEC 23',
          due: iso(t0 + 10 * minute),
          missing: [{ party: 'cn-jsd', stored: true }],
        },
      ]);
      assert.equal((await messageStatus(node.store, p.channel, m.id, p.clock.now())).overdue, true);
    }

    p.clock.advance(minute);
    const ack = await acknowledge(p.cn, p.channel, m.id, duty);
    assert.deepEqual(await overdue(p.cn.store, p.channel, p.clock.now()), [], 'answered here at once');
    assert.equal((await overdue(p.us.store, p.channel, p.clock.now())).length, 1, 'not yet known at the sender');
    await p.settle();
    assert.deepEqual(await overdue(p.us.store, p.channel, p.clock.now()), []);
    const read = await messageStatus(p.us.store, p.channel, m.id, p.clock.now());
    assert.deepEqual(read.recipients, [
      {
        party: 'cn-jsd',
        state: 'read',
        stored,
        read: { at: iso(t0 + 11 * minute + 1), entry: ack.id, by: 'duty-officer' },
        unread: null,
        overdue: false,
        late: true,
      },
    ]);
    assert.deepEqual(await acknowledge(p.cn, p.channel, m.id, duty), { ...ack, already: true }, 'once is enough');
  });

  it('keeps each precedence to its own target, and takes a non-receipt as an answer', async () => {
    const p = await nodePair(t, { FLASH: 1, IMMEDIATE: 2, PRIORITY: 3, ROUTINE: 4 });
    const sent: Record<string, Sent> = {};
    for (const precedence of ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const)
      sent[precedence] = await send(p.us, p.channel, precedence);
    await p.settle();
    const late = async (at: number) => (await overdue(p.us.store, p.channel, t0 + at)).map((o) => o.precedence).sort();
    assert.deepEqual(await late(minute), []);
    assert.deepEqual(await late(minute + 1), ['FLASH']);
    assert.deepEqual(await late(2 * minute + 1), ['FLASH', 'IMMEDIATE']);
    assert.deepEqual(await late(4 * minute + 1), ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE']);

    await reportUnread(p.cn, p.channel, sent.PRIORITY!.id, duty, 'unreadable', 'Garbled attachment');
    await p.settle();
    assert.deepEqual(await late(4 * minute + 1), ['FLASH', 'IMMEDIATE', 'ROUTINE']);
    const s = await messageStatus(p.us.store, p.channel, sent.PRIORITY!.id, t0 + 5 * minute);
    assert.equal(s.recipients[0]!.state, 'unread');
    assert.equal(s.recipients[0]!.unread?.reason, 'unreadable');
    assert.equal(s.recipients[0]!.unread?.note, 'Garbled attachment');
    assert.equal(s.overdue, false);
  });

  it('rebuilds the hotline projections to exactly the rows the appends wrote', async () => {
    const p = await nodePair(t, { FLASH: 1 });
    const m1 = await send(p.us, p.channel, 'FLASH');
    await p.settle();
    await send(p.cn, p.channel, 'ROUTINE');
    await acknowledge(p.cn, p.channel, m1.id, duty);
    await reportUnread(p.cn, p.channel, m1.id, duty, 'other', 'Also this');
    await p.settle();
    for (const node of [p.us, p.cn]) {
      const db = databaseOf(node.store);
      const rows = async () => ({
        answers: await db.selectFrom('message_answers').selectAll().orderBy('message_id').orderBy('kind').execute(),
        advances: await db
          .selectFrom('head_advances')
          .selectAll()
          .orderBy('peer')
          .orderBy('peer_seq')
          .orderBy('author')
          .execute(),
      });
      const before = await rows();
      assert.equal(before.answers.length, 2);
      assert.deepEqual(
        before.advances.map((a) => [a.peer, a.peer_seq, a.author, a.seq]),
        [
          ['cn-jsd', 1, 'us-js', 1],
          ['us-js', 2, 'cn-jsd', 4],
        ],
        "cn-jsd's receipt covers us-js #1 (its ROUTINE, ack and unread add nothing new); us-js's receipt covers them",
      );
      await db.deleteFrom('head_advances').execute();
      await db.updateTable('message_answers').set({ by_person: 'tampered' }).execute();
      await node.store.rebuildProjections();
      assert.deepEqual(await rows(), before);
    }
  });

  it('gives a page of statuses at once exactly as one by one, in every state', async () => {
    const p = await nodePair(t, { FLASH: 5, IMMEDIATE: 10, PRIORITY: 20, ROUTINE: 30 });
    const sent = [await send(p.us, p.channel, 'ROUTINE'), await send(p.us, p.channel, 'FLASH')];
    await p.settle();
    sent.push(await send(p.us, p.channel, 'PRIORITY'), await send(p.cn, p.channel, 'ROUTINE'));
    await p.deliver(p.us, p.cn);
    await acknowledge(p.cn, p.channel, sent[0]!.id, duty);
    await reportUnread(p.cn, p.channel, sent[1]!.id, duty, 'discarded', 'Dup.');
    await p.deliver(p.cn, p.us);
    p.clock.advance(45 * minute);
    const ids = [...sent.map((m) => m.id), 'A'.repeat(43)];
    for (const node of [p.us, p.cn]) {
      const one = [];
      for (const m of sent) one.push(await messageStatus(node.store, p.channel, m.id, p.clock.now()));
      assert.deepEqual(await messageStatuses(node.store, p.channel, ids, p.clock.now()), one);
    }
    assert.deepEqual(
      (await messageStatuses(p.us.store, p.channel, ids, p.clock.now())).map((s) => s.recipients[0]!.state),
      ['read', 'unread', 'stored', 'stored'],
    );
  });

  it('refuses what is not a message of the channel', async () => {
    const p = await nodePair(t);
    const m = await send(p.us, p.channel, 'ROUTINE');
    await p.settle();
    const receipt = (await p.cn.store.getEntry(p.channel, 'cn-jsd', 1))!;
    await assert.rejects(messageStatus(p.cn.store, p.channel, receipt.id, p.clock.now()), {
      message: /is a receipt, not a message/,
    });
    await assert.rejects(messageStatus(p.cn.store, p.channel, 'A'.repeat(43), p.clock.now()), (e) =>
      isParleyError(e, 'PARLEY_E_NOT_FOUND'),
    );
    await assert.rejects(acknowledge(p.us, p.channel, m.id, duty), { message: /this party's own message/ });
    await assert.rejects(acknowledge(p.cn, p.channel, receipt.id, duty), { message: /not a message/ });
    await assert.rejects(acknowledge(p.cn, p.channel, m.id, { user: 'eve', roles: ['analyst'] }), {
      code: 'PARLEY_E_FORBIDDEN',
    });
    await assert.rejects(messageStatus(p.cn.store, 'no-such-channel', m.id, p.clock.now()), {
      code: 'PARLEY_E_UNKNOWN_CHANNEL',
    });
  });
});
