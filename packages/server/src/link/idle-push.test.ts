import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { examples } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { configFile } from '../config/node-config.js';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

// An idle link pushes the rows an `appended` event hands it without looking
// through the store first (PeerLink#takeAppended, decision 0025): a lone
// FLASH entry's request goes out without listing the channels and reading
// their heads, and once it is answered the link does not look again either.
// us-js runs in this process, so its link can be inspected; cn-jsd is a
// `parley serve` child. The link's timed look (once a second by default) is
// put off to a minute here, so that only the looks the change is about are
// counted, and so that an entry the loop failed to pick up would wait for
// cn-jsd to pull it instead of being pushed. cn-jsd's heartbeat is put off
// too: a pull racing a push would take an entry the push then finds held.
// Link logic, the same on both databases: SQLite.
describe('an idle link pushes what was just written without reading the store', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let served: Serving;
  let channel = '';

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    const config = JSON.parse(readFileSync(configFile(cn.dir), 'utf8')) as { heartbeatSeconds: number };
    writeFileSync(configFile(cn.dir), JSON.stringify({ ...config, heartbeatSeconds: 600 }, null, 2));
    served = await serve(us.dir, { heartbeatMs: 1000, lookEveryMs: 60_000 });
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

  let serial = 0;
  const send = async (precedence: string) => {
    const { translation: _, ...plain } = examples.message;
    serial++;
    const body = { ...plain, precedence, subject: `m ${serial}`, serial, attachments: [] };
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
  const link = () => served.link.links.get('cn-jsd')!;

  it('delivers a series of lone entries with fewer looks through the store than entries', async () => {
    // The first exchange teaches the link what cn-jsd holds and that it is a member.
    await acknowledged(await send('FLASH'));
    const looks = link().looks;
    const n = 20;
    for (let i = 0; i < n; i++) {
      await acknowledged(await send('FLASH'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Looking for each batch, and again after its answer, is two looks per entry.
    const looked = link().looks - looks;
    assert.ok(looked < n / 2, `${looked} looks through the store for ${n} entries`);
  });

  it('pushes an entry written while the push before it is under way (the loop looks for it)', async () => {
    const sent = link().sent;
    const pairs = 30;
    let last = 0;
    for (let i = 0; i < pairs; i++) {
      // The first goes out at once; the second is written while its push waits for an answer.
      await send('FLASH');
      last = await send('ROUTINE');
      await acknowledged(last);
    }
    // Every one of them came in a push answered as stored, none by cn-jsd pulling what the link left.
    assert.equal(link().sent - sent, 2 * pairs);
  });
});
