import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  freePort,
  liveStatus,
  ok,
  ServedNode,
  type StatusJson,
  status,
  tempRoot,
} from '../test-util/nodes.js';
import { TcpProxy } from '../test-util/tcp-proxy.js';

/**
 * DESIGN.md, "The link": a peer card lists several endpoints; the node fails
 * over in order and returns to the primary when it is back. bravo advertises
 * two paths to its one link port (two TCP proxies, as two networks would be);
 * alpha dials them. Killing the primary path moves alpha to the second;
 * bringing it back returns alpha to the primary within a few heartbeats.
 */
describe('several endpoints per peer with failover and return to the primary', () => {
  const { root, cleanup } = tempRoot();
  const alpha = { party: 'alpha', dir: join(root, 'alpha'), node: undefined as unknown as ServedNode };
  const bravo = { party: 'bravo', dir: join(root, 'bravo'), node: undefined as unknown as ServedNode };
  let primary: TcpProxy;
  let secondary: TcpProxy;
  let channel = '';
  const heartbeatMs = 2000; // `parley init`'s default heartbeatSeconds

  /** alpha's view of its link to bravo, as `parley status --json` reports it. */
  const linkToBravo = (s: StatusJson) => s.peers.find((p) => p.party === 'bravo')!.link!;

  /** `parley send` from alpha; resolves with the seq of the message in alpha's feed. */
  const send = async (subject: string) => {
    const out = await ok(['send', '--dir', alpha.dir, '--channel', channel, '--subject', subject, '--text', 'x']);
    return Number(/ as seq (\d+) /.exec(out)![1]);
  };
  /** Waits until bravo holds alpha's feed up to `seq`. */
  const bravoHolds = (seq: number, what: string) =>
    eventually(
      async () => ((await liveStatus(bravo.dir)).channels[0]!.heads.alpha ?? 0) >= seq,
      15_000,
      `${what}: alpha #${seq} at bravo`,
    );
  const alphaSeq = async () => (await liveStatus(alpha.dir)).channels[0]!.heads.alpha ?? 0;

  before(async () => {
    const [alphaLink, bravoLink] = [await freePort(), await freePort()];
    // The two paths listen first, so bravo's card can name them: on ports from freePort, outside the
    // range the system hands out to outgoing connections, since the primary listens again on its port
    // after it is killed (another test file's connection could take a port of that range meanwhile).
    primary = new TcpProxy(bravoLink, await freePort());
    secondary = new TcpProxy(bravoLink, await freePort());
    await primary.start();
    await secondary.start();
    const init = async (p: { party: string; dir: string }, link: number, endpoints: string[]) =>
      ok([
        'init',
        '--dir',
        p.dir,
        '--party',
        p.party,
        '--name',
        `Party ${p.party}`,
        '--link-port',
        String(link),
        '--console-port',
        String(await freePort()),
        ...endpoints.flatMap((e) => ['--endpoint', e]),
      ]);
    await init(alpha, alphaLink, []);
    await init(bravo, bravoLink, [primary.url, secondary.url]);
    for (const [from, to] of [
      [alpha, bravo],
      [bravo, alpha],
    ] as const) {
      const file = join(root, `${from.party}.card.json`);
      writeFileSync(file, await ok(['peer', 'card', '--dir', from.dir]));
      await ok(['peer', 'add', '--dir', to.dir, file]);
    }
    alpha.node = new ServedNode(alpha.dir);
    bravo.node = new ServedNode(bravo.dir);
    await alpha.node.start();
    await bravo.node.start();
    channel = (await ok(['channel', 'propose', '--dir', alpha.dir, '--name', 'Two paths', '--members', 'alpha,bravo']))
      .trim()
      .split('\n')
      .pop()!;
    await eventually(async () => (await liveStatus(bravo.dir)).channels.find((c) => c.id === channel), 15_000, 'offer');
    await ok(['channel', 'accept', '--dir', bravo.dir, channel]);
    await eventually(
      async () => (await liveStatus(alpha.dir)).channels.find((c) => c.state === 'active'),
      15_000,
      'channel active at alpha',
    );
  });

  after(async () => {
    await alpha.node?.stop();
    await bravo.node?.stop();
    await primary?.kill();
    await secondary?.kill();
    cleanup();
  });

  it('uses the primary endpoint while it answers', async () => {
    await bravoHolds(await send('Over the primary'), 'primary');
    const link = linkToBravo(await status(alpha.dir));
    assert.equal(link.endpoint, primary.url);
    assert.deepEqual(
      link.endpoints.map((e) => e.url),
      [primary.url, secondary.url],
    );
    assert.equal(link.endpoints[0]!.state, 'UP');
    assert.equal(link.state, 'UP');
    assert.ok(primary.bytes > 0, 'traffic went through the primary path');
  });

  it('fails over to the second endpoint when the primary dies, and messages still flow', async (t) => {
    const before = secondary.bytes;
    await primary.kill();
    const killedAt = Date.now();
    // A message written while the primary is dead must still arrive.
    const seq = await send('While the primary is dead');
    await eventually(
      async () => linkToBravo(await liveStatus(alpha.dir)).endpoint === secondary.url,
      15_000,
      'failover',
    );
    const failoverMs = Date.now() - killedAt;
    t.diagnostic(`failed over ${failoverMs} ms after the primary died`);
    await bravoHolds(seq, 'failover');
    // Three failed heartbeats mark the dead endpoint DOWN; the second stays UP and is the one in use.
    await eventually(
      async () => linkToBravo(await liveStatus(alpha.dir)).endpoints[0]!.state === 'DOWN',
      4 * heartbeatMs + 5000,
      'primary DOWN',
    );
    await bravoHolds(await send('Over the secondary'), 'secondary');
    const link = linkToBravo(await status(alpha.dir));
    assert.equal(link.endpoint, secondary.url);
    assert.equal(link.endpoints[0]!.url, primary.url);
    assert.equal(link.endpoints[0]!.state, 'DOWN');
    assert.ok(link.endpoints[0]!.failures >= 3, `primary failures ${link.endpoints[0]!.failures}`);
    assert.equal(link.endpoints[1]!.state, 'UP');
    assert.equal(link.state, 'UP', 'the link is UP over the endpoint in use');
    assert.ok(secondary.bytes > before, 'traffic went through the second path');
    assert.ok(failoverMs < 3 * heartbeatMs + 3000, `failover took ${failoverMs} ms`);
  });

  it('returns to the primary within a few heartbeats once it is back', async (t) => {
    const connectionsBefore = primary.connections;
    await primary.start();
    const backAt = Date.now();
    await eventually(
      async () => {
        const link = linkToBravo(await liveStatus(alpha.dir));
        return link.endpoint === primary.url && link.endpoints[0]!.state === 'UP';
      },
      3 * heartbeatMs + 5000,
      'return to the primary',
    );
    const returnMs = Date.now() - backAt;
    t.diagnostic(`back on the primary ${returnMs} ms after it returned`);
    const bytesBefore = primary.bytes;
    await bravoHolds(await send('Back on the primary'), 'primary again');
    const link = linkToBravo(await status(alpha.dir));
    assert.equal(link.endpoint, primary.url);
    assert.equal(link.endpoints[0]!.state, 'UP');
    assert.equal(link.endpoints[0]!.failures, 0);
    assert.equal(link.state, 'UP');
    assert.ok(primary.connections > connectionsBefore, 'alpha dialled the primary again');
    assert.ok(primary.bytes > bytesBefore, 'the new message went over the primary');
    // Within a few heartbeats: the next heartbeat to the primary after it is back, plus scheduling slack.
    assert.ok(returnMs <= 2 * heartbeatMs + 2000, `return to the primary took ${returnMs} ms`);
    // Nothing was lost or doubled on the way: bravo holds alpha's feed exactly as alpha does.
    const seq = await alphaSeq();
    await bravoHolds(seq, 'all');
    const log = await ok(['log', '--dir', bravo.dir, '--channel', channel]);
    const subjects = log
      .split('\n')
      .filter((l) => / alpha #\d+ message /.test(l))
      .map((l) => l.replace(/^.* \[\d+\] /, ''));
    assert.deepEqual(subjects, [
      'Over the primary',
      'While the primary is dead',
      'Over the secondary',
      'Back on the primary',
    ]);
  });
});
