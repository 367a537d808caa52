import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type SignedEntry, signEntry } from '@parley/record';
import { systemClock } from '../clock/clock.js';
import { openStore } from '../store/open-store.js';
import { eventually } from '../test-util/nodes.js';
import { messageBody, twoPartyChannel } from './_fixtures.js';
import { channelState } from './channel-state.js';
import { EarlyChecks } from './ingest.js';
import { ParleyNode } from './node.js';

/** Decision 0037: a node checks a large push as it arrives, two of a channel's pushes at most at once. */
describe('a node checking pushes as they arrive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-early-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const { id, row, us, cn } = twoPartyChannel('early');
    const store = await openStore({ sqlitePath: join(dir, `${Math.random()}.sqlite`) });
    await store.migrate();
    await store.putChannel(row);
    const node = new ParleyNode({ party: 'us-js', signer: us, store, clock: systemClock });
    const feed: SignedEntry[] = [];
    let prev: string | null = null;
    for (let seq = 1; seq <= 500; seq++) {
      const signed: { id: string; entry: SignedEntry } = signEntry(
        {
          channel: id,
          author: 'cn-jsd',
          seq,
          prev,
          time: new Date().toISOString(),
          type: 'message',
          body: messageBody(seq),
        },
        cn,
      );
      feed.push(JSON.parse(JSON.stringify(signed.entry)));
      prev = signed.id;
    }
    /** The peer's pushes: 100 entries each, in order. */
    const pushes = [0, 1, 2, 3, 4].map((i) => feed.slice(i * 100, i * 100 + 100));
    return { id, node, store, pushes, feed, channel: channelState(row) };
  }

  it('checks the first two of four pushes sent at once on arrival, the others in their turn, and stores all', async () => {
    const { id, node, store, pushes } = await setup();
    try {
      const before = EarlyChecks.started;
      const answers = await Promise.all(pushes.slice(0, 4).map((push) => node.ingest(id, push)));
      assert.equal(EarlyChecks.started - before, 2);
      assert.deepEqual(
        answers.map((a) => [a.stored, a.error]),
        [
          [100, undefined],
          [100, undefined],
          [100, undefined],
          [100, undefined],
        ],
      );
      // Once they are taken in, the next push is checked on arrival again.
      assert.equal((await node.ingest(id, pushes[4]!)).stored, 100);
      assert.equal(EarlyChecks.started - before, 3);
      assert.equal((await store.head(id, 'cn-jsd'))?.seq, 500);
    } finally {
      await store.close();
    }
  });

  it('counts a push refused at its first entry until the pool has verified the signatures it sent', async () => {
    const { id, node, store, pushes, feed, channel } = await setup();
    try {
      // The pool takes signatures in the order sent: these 4,000 go before the pushes' own.
      const busy = Array.from({ length: 8 }, () => EarlyChecks.start(feed, channel)!);
      const before = EarlyChecks.started;
      // The node holds nothing of the peer's feed: pushes from seq 101 and 201 are refused at their first entry.
      const refused = await Promise.all([node.ingest(id, pushes[1]!), node.ingest(id, pushes[2]!)]);
      assert.deepEqual(
        refused.map((a) => [a.stored, a.error?.code]),
        [
          [0, 'PARLEY_E_GAP'],
          [0, 'PARLEY_E_GAP'],
        ],
      );
      assert.equal(EarlyChecks.started - before, 2);
      // Their turns are over, but their signatures wait on the pool: the next push is checked in its turn.
      assert.equal(node.checkingEarly, 2);
      assert.equal((await node.ingest(id, pushes[3]!)).error?.code, 'PARLEY_E_GAP');
      assert.equal(EarlyChecks.started - before, 2);
      await Promise.all(busy.map((b) => b.settled));
      await eventually(async () => node.checkingEarly === 0, 10_000, 'the pushes counted out');
      assert.equal((await node.ingest(id, pushes[0]!)).stored, 100);
      assert.equal(EarlyChecks.started - before, 3);
    } finally {
      await store.close();
    }
  });

  for (const [bad, how] of [
    [1, 'checked on arrival'],
    [2, 'checked in its turn'],
  ] as const) {
    it(`refuses a bad signature in a push ${how}, storing exactly what came before it`, async () => {
      const { id, node, store, pushes } = await setup();
      try {
        pushes[bad]![30]!.sig = pushes[bad]![29]!.sig;
        const before = EarlyChecks.started;
        const answers = await Promise.all(pushes.slice(0, 3).map((push) => node.ingest(id, push)));
        assert.equal(EarlyChecks.started - before, 2);
        const refused = answers[bad]!;
        assert.equal(refused.stored, 30);
        assert.equal(refused.error?.code, 'PARLEY_E_BAD_SIGNATURE');
        assert.equal(refused.error?.details.seq, bad * 100 + 31);
        assert.equal((await store.head(id, 'cn-jsd'))?.seq, bad * 100 + 30);
      } finally {
        await store.close();
      }
    });
  }
});
