import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { examples, limits } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, ok, type Party, status, tempRoot } from '../test-util/nodes.js';

// docs/operations.md "Backup and restore", with the other party writing
// while the node is down: cn-jsd (a `parley serve` child) is restored from a
// copy taken 600 of us-js's messages earlier (its own receipts for them
// lost with it), while us-js (in this process) writes more. us-js pushes
// them as soon as cn-jsd is back; cn-jsd must not answer at its restored
// head — a receipt at a seq us-js already holds is a fork — but pull its
// own feed back first (decision 0027), then answer. SQLite: the node logic
// is the same on both databases.
describe('a node restored from an older copy while its peer writes', () => {
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
      { name: 'restore', members: 'us-js,cn-jsd' },
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
  const database = () => join(cn.dir, 'parley.sqlite');
  const copy = join(root, 'cn-copy');

  it('pulls its own feed back before it answers: no fork, everything acknowledged', async () => {
    await acknowledged(await write(10));
    // A copy of cn-jsd's database, taken while it is stopped.
    await cn.node.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(database() + suffix)) copyFileSync(database() + suffix, copy + suffix);
    }
    await cn.node.start();
    await acknowledged(await write(600));
    // cn-jsd loses everything since the copy, its own receipts among it; us-js writes on meanwhile.
    await cn.node.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(database() + suffix, { force: true });
      if (existsSync(copy + suffix)) copyFileSync(copy + suffix, database() + suffix);
    }
    const last = await write(3 * limits.batchEntries);
    await cn.node.start();
    await acknowledged(last, 60_000);
    assert.equal((await status(us.dir)).forks, 0, 'us-js holds no fork of cn-jsd');
    assert.equal((await status(cn.dir)).forks, 0);
  });

  // The same with the roles swapped: us-js restored while cn-jsd sends. Its
  // own feed's id sorts after the peer's, so the link must pull it first by
  // choice, not by the order of the heads (a pull of cn-jsd's feed is refused
  // until it is back).
  it('pulls its own feed back first whatever the order of the feeds', async () => {
    const ours = join(us.dir, 'parley.sqlite');
    const copy = join(root, 'us-copy');
    await served.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(ours + suffix)) copyFileSync(ours + suffix, copy + suffix);
    }
    served = await serve(us.dir, { heartbeatMs: 1000 });
    const written = await write(50);
    await acknowledged(written);
    await served.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(ours + suffix, { force: true });
      if (existsSync(copy + suffix)) copyFileSync(copy + suffix, ours + suffix);
    }
    for (let i = 0; i < 3; i++) {
      await ok(['send', '--dir', cn.dir, '--channel', channel, '--subject', `from cn-jsd ${i}`, '--text', 'x']);
    }
    served = await serve(us.dir, { heartbeatMs: 1000 });
    // us-js answers cn-jsd's messages after the entries it had written, and cn-jsd takes that answer.
    await eventually(
      async () => ((await status(cn.dir)).channels.find((c) => c.id === channel)?.heads['us-js'] ?? 0) > written,
      30_000,
      'cn-jsd to hold an answer of us-js written after its restored entries',
    );
    assert.equal((await status(us.dir)).forks, 0);
    assert.equal((await status(cn.dir)).forks, 0, 'cn-jsd holds no fork of us-js');
  });
});
