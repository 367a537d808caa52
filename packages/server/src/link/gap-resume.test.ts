import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { examples, limits } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import SqliteDatabase from 'better-sqlite3';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

// A peer that holds less than the link believes (restored from an older
// copy, or it lost an unflushed tail with its power: decision 0024). The
// first push it answers with PARLEY_E_GAP sets the link back to the peer's
// head; the pushes already out are refused too, but no further push of that
// feed joins them (PeerLink#resuming): the backlog is not sent through once
// in pushes the peer refuses before the link starts again from the head.
// us-js runs in this process, so its link's refusals can be counted; cn-jsd
// is a `parley serve` child. The belief is made by raising, while us-js is
// stopped, what its store says cn-jsd holds of its feed (a restored cn-jsd
// would also have lost its own receipts since the copy, which is another
// matter: docs/operations.md, "Backup and restore"). Link logic, the same
// on both databases: SQLite.
describe('a peer found lacking (PARLEY_E_GAP) under backlog', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let served: Serving;
  let channel = '';

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    served = await serve(us.dir, { heartbeatMs: 1000 });
    await cn.node.start();
    const offer = (await operations['channel-propose'](
      { open: served.open, link: served.link },
      { name: 'gap resume', members: 'us-js,cn-jsd' },
    )) as { id: string };
    channel = offer.id;
    await eventually(async () => (await ok(['status', '--dir', cn.dir, '--json'])).includes(channel), 20_000, 'offer');
    await ok(['channel', 'accept', '--dir', cn.dir, channel]);
    await eventually(async () => (await served.open.store.getChannel(channel))?.state === 'active', 20_000, 'active');
  });
  after(async () => {
    await cn?.node.stop();
    await served?.stop();
    cleanup();
  });

  let serial = 0;
  /** `n` messages from 32 writers at once (group commits); resolves with the last seq. */
  const write = async (n: number) => {
    const { translation: _, ...plain } = examples.message;
    let last = 0;
    let left = n;
    const writer = async () => {
      while (left-- > 0) {
        serial++;
        const body = { ...plain, subject: `g ${serial}`, serial, attachments: [] } as unknown as JsonValue;
        const { entry } = await served.open.node.append(channel, { type: 'message', body });
        last = Math.max(last, entry.header.seq);
      }
    };
    await Promise.all(Array.from({ length: 32 }, writer));
    return last;
  };
  const acknowledged = (seq: number, ms = 30_000) =>
    eventually(
      async () => ((await served.open.store.peerHeads(channel, 'cn-jsd'))['us-js'] ?? 0) >= seq,
      ms,
      `cn-jsd acknowledges seq ${seq}`,
    );
  it('starts again from the peer head after at most the pushes already out', async () => {
    const held = await write(10);
    await acknowledged(held);
    // us-js comes to believe cn-jsd holds 600 more of its feed than it does.
    await served.stop();
    const file = new SqliteDatabase(join(us.dir, 'parley.sqlite'));
    try {
      const raised = file
        .prepare("update peer_heads set seq = ? where channel = ? and peer = 'cn-jsd' and author = 'us-js'")
        .run(held + 600, channel);
      assert.equal(raised.changes, 1);
    } finally {
      file.close();
    }
    served = await serve(us.dir, { heartbeatMs: 1000 });
    // A backlog of several full batches, all beyond what cn-jsd holds, written while it is away.
    await cn.node.stop();
    const last = await write(600 + 8 * limits.batchEntries);
    const link = served.link.links.get('cn-jsd')!;
    await cn.node.start();
    await acknowledged(last, 60_000);
    const refused = link.gaps;
    console.log(`# gap-resume: ${refused} pushes refused`);
    // The first refusal and the push pipelined behind it (2, or 3 in one run
    // of six: a push begun before cn-jsd came back); not one per batch of the
    // backlog (8 without PeerLink#resuming).
    assert.ok(refused >= 1, 'cn-jsd refused a push');
    assert.ok(refused <= 4, `${refused} pushes refused before the link started again from the peer's head`);
  });
});
