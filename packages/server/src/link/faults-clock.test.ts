import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDataStore } from '../runtime/open-node.js';
import { control, feedOf, openChannel, parseLog } from '../test-util/faults.js';
import { eventually, initParties, type Party, ServedNode, tempRoot } from '../test-util/nodes.js';

const HOUR = 3_600_000;

interface StatusJson {
  channels: Array<{ id: string; heads: Record<string, number> }>;
  peers: Array<{ party: string; link: { state: string; endpoints: Array<{ offsetMs: number | null }> } | null }>;
  alarms: Array<{ kind: string; message: string; details: string }>;
}

/**
 * Fault: clock skew of ±1 h. B's node clock runs an hour behind, then an
 * hour ahead (PARLEY_CLOCK_OFFSET_MS). Entries from a clock ahead are
 * flagged (a clock-skew alarm) but stored and answered; entries from a
 * clock behind are simply stored; heartbeats measure the offset; messages
 * flow both ways throughout.
 */
describe('faults: clock skew of ±1 h', () => {
  const { root, cleanup } = tempRoot();
  let a: Party;
  let b: Party;
  let bNode: ServedNode;
  let channel = '';

  before(async () => {
    [a, b] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await a.node.start();
    bNode = new ServedNode(b.dir, { PARLEY_CLOCK_OFFSET_MS: String(-HOUR) });
    b.node = bNode;
    await bNode.start();
    channel = await openChannel(a, b);
  });
  after(async () => {
    await a?.node.stop();
    await bNode?.stop();
    cleanup();
  });

  const statusOf = (p: Party) => control<StatusJson>(p.dir, 'status');
  const logOf = async (p: Party) => parseLog((await control<{ lines: string[] }>(p.dir, 'log', { channel })).lines);
  const send = (p: Party, subject: string) =>
    control<{ seq: number; time: string }>(p.dir, 'send', { channel, subject, text: 'x' });
  /** Peer's clock minus ours, as the heartbeats measure it, once it is within 5 s of `expected`. */
  const offsetAt = async (p: Party, expected: number) => {
    let last: number | null | undefined;
    return eventually(
      async () => {
        last = (await statusOf(p)).peers[0]!.link?.endpoints[0]?.offsetMs;
        return typeof last === 'number' && Math.abs(last - expected) < 5000 ? last : undefined;
      },
      20_000,
      `heartbeat offset ≈ ${expected} ms at ${p.party}`,
    ).catch((error) => {
      throw new Error(`${(error as Error).message} (last measured ${last} ms)`);
    });
  };
  /** Waits until `from` holds `to`'s signed acknowledgement of `from`'s entry `seq` (a receipt). */
  const acknowledged = async (from: Party, to: Party, seq: number) => {
    const store = await openDataStore(from.dir);
    try {
      await eventually(
        async () => ((await store.peerHeads(channel, to.party))[from.party] ?? 0) >= seq,
        20_000,
        `${to.party}'s receipt for ${from.party} #${seq}`,
      );
    } finally {
      await store.close();
    }
  };
  const skewAlarms = async (p: Party) => (await statusOf(p)).alarms.filter((x) => x.kind === 'clock-skew');

  /** Each side sends; each message arrives, stored under its author's time, and is answered. */
  const exchange = async (tag: string) => {
    const fromA = await send(a, `a-${tag}`);
    const fromB = await send(b, `b-${tag}`);
    for (const [holder, author, subject] of [
      [b, a, `a-${tag}`],
      [a, b, `b-${tag}`],
    ] as const) {
      await eventually(
        async () => (await logOf(holder)).some((l) => l.subject === subject),
        20_000,
        `${subject} at ${holder.party}`,
      );
      feedOf(await logOf(holder), author.party); // contiguous
    }
    await acknowledged(a, b, fromA.seq);
    await acknowledged(b, a, fromB.seq);
    const atA = (await logOf(a)).find((l) => l.subject === `b-${tag}`)!;
    const atB = (await logOf(b)).find((l) => l.subject === `a-${tag}`)!;
    assert.equal(atA.time, fromB.time, "B's entry is stored at A under B's own time");
    assert.equal(atB.time, fromA.time, "A's entry is stored at B under A's own time");
    return { fromA, fromB };
  };

  it('B an hour behind: its entries are stored, unflagged; A is flagged at B; offsets ≈ ∓3600 s', async (t) => {
    const { fromA, fromB } = await exchange('behind');
    const skew = Date.parse(fromB.time) - Date.parse(fromA.time);
    assert.ok(Math.abs(skew + HOUR) < 60_000, `B stamps an hour behind (${skew} ms)`);
    assert.ok(Date.parse(fromB.time) < Date.now(), "B's entry is not ahead of A's clock");
    assert.deepEqual(await skewAlarms(a), [], 'nothing is ahead of A');
    const atB = await eventually(async () => (await skewAlarms(b))[0], 20_000, 'clock-skew alarm at B');
    assert.match(atB.message, /us-js seq \d+ is 36\d\d s ahead/);
    const [offsetA, offsetB] = [await offsetAt(a, -HOUR), await offsetAt(b, HOUR)];
    const say = `B behind: heartbeat offset at A ${(offsetA / 1000).toFixed(1)} s, at B ${(offsetB / 1000).toFixed(1)} s; at B: ${atB.message}`;
    t.diagnostic(say);
    console.log(`# faults-clock: ${say}`);
  });

  it('B an hour ahead: A flags its entries but stores and answers them; offsets ≈ ±3600 s', async (t) => {
    await bNode.stop();
    bNode = new ServedNode(b.dir, { PARLEY_CLOCK_OFFSET_MS: String(HOUR) });
    b.node = bNode;
    await bNode.start();
    const { fromA, fromB } = await exchange('ahead');
    const skew = Date.parse(fromB.time) - Date.parse(fromA.time);
    assert.ok(Math.abs(skew - HOUR) < 60_000, `B stamps an hour ahead (${skew} ms)`);
    const atA = await eventually(async () => (await skewAlarms(a))[0], 20_000, 'clock-skew alarm at A');
    assert.match(atA.message, /^clock skew: cn-jsd seq \d+ is 3[56]\d\d s ahead of this node's clock$/);
    const [offsetA, offsetB] = [await offsetAt(a, HOUR), await offsetAt(b, -HOUR)];
    // B's feed never ran backwards across the jump of two hours; both feeds stay contiguous.
    const bFeed = feedOf(await logOf(a), b.party);
    for (let k = 1; k < bFeed.length; k++) assert.ok(bFeed[k - 1]!.time <= bFeed[k]!.time);
    // Still nothing breaks: one more round each way.
    await exchange('ahead-again');
    const say = `B ahead: heartbeat offset at A ${(offsetA / 1000).toFixed(1)} s, at B ${(offsetB / 1000).toFixed(1)} s; at A: ${atA.message}`;
    t.diagnostic(say);
    console.log(`# faults-clock: ${say}`);
  });
});
