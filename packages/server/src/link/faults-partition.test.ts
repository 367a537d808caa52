import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  BlackholeProxy,
  control,
  type FaultParty,
  feedOf,
  initFaultParties,
  openChannel,
  parseLog,
  sleep,
} from '../test-util/faults.js';
import { eventually, freePort, tempRoot } from '../test-util/nodes.js';

/**
 * A long cut (longer than a link request's timeout, so requests made during
 * it die and are retried into the void) and a short one (pooled connections
 * and requests in flight are still waiting when it heals).
 */
const PARTITIONS_MS = [12_000, 3_000];
const CATCH_UP_MS = 5_000;

interface StatusJson {
  channels: Array<{ id: string; heads: Record<string, number> }>;
  peers: Array<{ party: string; link: { state: string } | null }>;
}

/**
 * Fault: a partition. Each node's advertised endpoint is a TCP proxy inside
 * this test, in front of its real link port; TLS passes through it
 * untouched. Blackholing both proxies cuts the line both ways without a
 * single RST or FIN; healing it must bring each side everything the other
 * wrote meanwhile within 5 s.
 */
describe('faults: partition by a blackholing TCP proxy, then heal', () => {
  const { root, cleanup } = tempRoot();
  let a: FaultParty;
  let b: FaultParty;
  let toA: BlackholeProxy;
  let toB: BlackholeProxy;
  let channel = '';

  before(async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    [a, b] = (await initFaultParties(root, [
      { party: 'us-js', endpoints: () => [`https://127.0.0.1:${pa}`] },
      { party: 'cn-jsd', endpoints: () => [`https://127.0.0.1:${pb}`] },
    ])) as [FaultParty, FaultParty];
    toA = new BlackholeProxy(a.linkPort);
    toB = new BlackholeProxy(b.linkPort);
    await toA.listen(pa);
    await toB.listen(pb);
    await a.node.start();
    await b.node.start();
    channel = await openChannel(a, b);
  });
  after(async () => {
    await a?.node.stop();
    await b?.node.stop();
    await toA?.close();
    await toB?.close();
    cleanup();
  });

  const heads = async (p: FaultParty) => (await control<StatusJson>(p.dir, 'status')).channels[0]!.heads;
  const send = (p: FaultParty, subject: string) => control(p.dir, 'send', { channel, subject, text: 'x' });

  it('goes through the proxies while the line is up', async () => {
    await send(a, 'before-a');
    await send(b, 'before-b');
    await eventually(async () => ((await heads(b))[a.party] ?? 0) >= 1, 20_000, 'A → B through the proxy');
    await eventually(async () => ((await heads(a))[b.party] ?? 0) >= 1, 20_000, 'B → A through the proxy');
    assert.ok(toA.connections > 0 && toB.connections > 0, 'the nodes dial the proxies');
  });

  /** Cuts the line both ways for `ms` while both sides write, heals it, and times the catch-up. */
  const cutAndHeal = async (ms: number, t: TestContext) => {
    const say = (text: string) => {
      t.diagnostic(text);
      console.log(`# faults-partition (${ms / 1000} s): ${text}`);
    };
    const up = async (p: FaultParty) => (await control<StatusJson>(p.dir, 'status')).peers[0]!.link?.state === 'UP';
    await eventually(async () => (await up(a)) && (await up(b)), 15_000, 'the line UP both ways before the cut');
    const before = { a: (await heads(a))[a.party]!, b: (await heads(b))[b.party]! };
    toA.blackhole();
    toB.blackhole();
    const cut = Date.now();
    // Both sides keep writing through the partition.
    const sent = { a: [] as number[], b: [] as number[] };
    for (let n = 1; Date.now() - cut < ms; n++) {
      await send(a, `cut-a-${ms}-${n}`);
      sent.a.push(n);
      if (n % 2 === 0) {
        await send(b, `cut-b-${ms}-${n}`);
        sent.b.push(n);
      }
      await sleep(300);
    }
    const aWrote = (await heads(a))[a.party]!;
    const bWrote = (await heads(b))[b.party]!;
    const sawB = (await heads(a))[b.party] ?? 0;
    const sawA = (await heads(b))[a.party] ?? 0;
    const stateAtA = (await control<StatusJson>(a.dir, 'status')).peers[0]!.link?.state;
    const stateAtB = (await control<StatusJson>(b.dir, 'status')).peers[0]!.link?.state;
    say(
      `cut ${Date.now() - cut} ms: A wrote up to #${aWrote}, B held A's up to #${sawA}; B wrote up to #${bWrote}, A held B's up to #${sawB}`,
    );
    say(`link state at the end of the cut: at A ${stateAtA}, at B ${stateAtB}`);
    assert.ok(sawA <= before.a && sawB <= before.b, 'nothing crossed the blackhole');
    if (ms >= 10_000) {
      // Heartbeats give up after a period: three missed and the line is DOWN, not silently "UP".
      assert.equal(stateAtA, 'DOWN', 'A sees the dead line');
      assert.equal(stateAtB, 'DOWN', 'B sees the dead line');
    }

    toA.heal();
    toB.heal();
    const healed = Date.now();
    let atB = 0;
    let atA = 0;
    await eventually(
      async () => {
        const now = Date.now();
        if (!atB && ((await heads(b))[a.party] ?? 0) >= aWrote) atB = now;
        if (!atA && ((await heads(a))[b.party] ?? 0) >= bWrote) atA = now;
        return atA && atB;
      },
      30_000,
      'catch-up after healing',
    );
    say(`after healing: A's entries all at B in ${atB - healed} ms, B's all at A in ${atA - healed} ms`);
    assert.ok(atB - healed <= CATCH_UP_MS, `A → B caught up ${atB - healed} ms after healing`);
    assert.ok(atA - healed <= CATCH_UP_MS, `B → A caught up ${atA - healed} ms after healing`);

    // Everything written during the cut, exactly once, in order, on the other side.
    for (const [holder, author, prefix, numbers] of [
      [b, a, `cut-a-${ms}-`, sent.a],
      [a, b, `cut-b-${ms}-`, sent.b],
    ] as const) {
      const lines = parseLog((await control<{ lines: string[] }>(holder.dir, 'log', { channel })).lines);
      const feed = feedOf(lines, author.party);
      const held = feed
        .filter((l) => l.subject?.startsWith(prefix))
        .map((l) => Number(l.subject!.slice(prefix.length)));
      assert.deepEqual(held, numbers, `${author.party}'s messages at ${holder.party}`);
      const serials = feed.filter((l) => l.type === 'message').map((l) => l.serial);
      assert.deepEqual(
        serials,
        serials.map((_, i) => i + 1),
      );
    }
  };

  for (const ms of PARTITIONS_MS) {
    it(
      `catches up within ${CATCH_UP_MS / 1000} s of healing a ${ms / 1000} s cut, both ways`,
      { timeout: 60_000 },
      (t) => cutAndHeal(ms, t),
    );
  }
});
