import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { examples } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

// An idle link pushes the rows an `appended` event hands it without looking
// through the store first (PeerLink#takeAppended, decision 0025): a lone
// FLASH entry's request goes out without listing the channels and reading
// their heads, and once it is answered the link does not look again either.
// us-js runs in this process, so its store's reads can be counted; cn-jsd is
// a `parley serve` child. Link logic, the same on both databases: SQLite.
describe('an idle link pushes what was just written without reading the store', () => {
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
      { name: 'idle push', members: 'us-js,cn-jsd' },
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

  const send = async (serial: number) => {
    const { translation: _, ...plain } = examples.message;
    const body = { ...plain, precedence: 'FLASH', subject: `f ${serial}`, serial, attachments: [] };
    const { entry } = await served.open.node.append(channel, { type: 'message', body: body as unknown as JsonValue });
    return entry.header.seq;
  };
  /** Resolves once cn-jsd's receipt covering `seq` is stored here. */
  const acknowledged = (seq: number) =>
    eventually(
      async () => ((await served.open.store.peerHeads(channel, 'cn-jsd'))['us-js'] ?? 0) >= seq,
      20_000,
      `cn-jsd acknowledges seq ${seq}`,
    );

  it('delivers each of a series of lone entries with fewer looks than entries', async () => {
    // The first exchange teaches the link what cn-jsd holds and that it is a member.
    await acknowledged(await send(1));
    const store = served.open.store;
    const listChannels = store.listChannels.bind(store);
    let looks = 0;
    store.listChannels = async () => {
      looks++;
      return listChannels();
    };
    try {
      const n = 20;
      for (let i = 2; i <= n + 1; i++) {
        await acknowledged(await send(i));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Looking for each batch (and again after its answer) would list the
      // channels at least once per entry; the idle link looks only when its
      // wait times out (once a second), whatever the machine's speed.
      assert.ok(looks < n, `${looks} looks through the store for ${n} entries`);
    } finally {
      store.listChannels = listChannels;
    }
  });

  it('still delivers entries written while a push is under way (the link looks for them)', async () => {
    const node = served.open.node;
    const { translation: _, ...plain } = examples.message;
    let last = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_x, i) => {
        const body = { ...plain, subject: `r ${i}`, serial: 100 + i, attachments: [] } as unknown as JsonValue;
        const { entry } = await node.append(channel, { type: 'message', body });
        last = Math.max(last, entry.header.seq);
      }),
    );
    await acknowledged(last);
  });
});
