import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { examples } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

// A node answers each push with its receipt and takes that receipt as handed
// over (PeerLink.handedOver): it does not push it back. Only that entry: its
// own entries before the receipt that the peer lacks are still pushed. Here
// us-js (in this process, so its link can be inspected) writes a stream of
// messages while cn-jsd (a `parley serve` child) pushes cosignatures of its
// checkpoints, which us-js answers with receipts in the middle of the stream.
// Link logic, the same on both databases: run on SQLite.
describe('receipts handed over in push answers', () => {
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
      { name: 'push answers', members: 'us-js,cn-jsd' },
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

  it('still pushes the entries before a handed-over receipt, without refusals', async () => {
    const node = served.open.node;
    const n = 1000;
    let next = 0;
    let last = 0;
    const writer = async () => {
      while (next < n) {
        const serial = ++next;
        const { translation: _, ...plain } = examples.message;
        const body = { ...plain, subject: `m ${serial}`, serial, attachments: [] } as unknown as JsonValue;
        const { entry } = await node.append(channel, { type: 'message', body });
        last = Math.max(last, entry.header.seq);
      }
    };
    await Promise.all(Array.from({ length: 32 }, writer));
    await eventually(
      async () => ((await served.open.store.peerHeads(channel, 'cn-jsd'))['us-js'] ?? 0) >= last,
      60_000,
      'cn-jsd acknowledges every message',
    );
    // cn-jsd cosigned our checkpoints (one per 100 messages) as we wrote: each
    // cosign came in a push that we answered with a receipt.
    const cosigns = (await served.open.store.range(channel, 'cn-jsd', 1, 10_000)).filter((r) => r.type === 'cosign');
    assert.ok(cosigns.length >= 3, `cn-jsd cosigned ${cosigns.length} checkpoints`);
    // Skipping what precedes a handed-over receipt made the peer refuse every
    // push (PARLEY_E_GAP) until the hand-over's grace ran out: dozens of refusals.
    const link = served.link.links.get('cn-jsd')!;
    console.log(`# push-answers: ${n} messages, ${cosigns.length} cosigns answered, ${link.gaps} pushes refused`);
    assert.ok(link.gaps <= 5, `${link.gaps} pushes refused as out of order`);
  });
});
