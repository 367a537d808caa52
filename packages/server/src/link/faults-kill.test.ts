import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ingestBatch } from '../node/ingest.js';
import { openDataStore, openNode } from '../runtime/open-node.js';
import {
  ControlRefusal,
  control,
  feedOf,
  type LogLine,
  openChannel,
  parseLog,
  seededRandom,
  sleep,
} from '../test-util/faults.js';
import { cli, eventually, initParties, type Party, tempRoot } from '../test-util/nodes.js';
import { rowToEntry } from './wire.js';

/** 2,000 (PARLEY_FAULT_MESSAGES overrides it when chasing a failure with its seed). */
const TOTAL = Number(process.env.PARLEY_FAULT_MESSAGES ?? 2000);
/** Sends in flight at once, as from several operators' consoles. */
const OPERATORS = 4;

interface StatusJson {
  channels: Array<{ id: string; heads: Record<string, number> }>;
  forks: number;
}

/**
 * Fault: kill -9 of either node at random points of a stream of 2,000
 * messages, then restart. Messages go in through A's control API, four
 * sends in flight at a time as from several operators; a send cut off by a
 * kill is looked up in A's record after the restart and resent only if it is
 * not there. The seed is printed; PARLEY_FAULT_SEED replays a run.
 */
describe('faults: kill -9 during a stream of 2,000 messages', () => {
  const { root, cleanup } = tempRoot();
  let a: Party;
  let b: Party;
  let channel = '';

  /**
   * Waits until `to`'s signed heads, as `from` holds them, acknowledge `from`'s feed up to `seq`
   * (a receipt answering its messages; `from`'s own receipts are never answered, by design).
   */
  const receiptsCover = async (from: Party, to: Party, seq: number, ms: number) => {
    const store = await openDataStore(from.dir);
    try {
      await eventually(
        async () => ((await store.peerHeads(channel, to.party))[from.party] ?? 0) >= seq,
        ms,
        `${to.party}'s receipts covering ${from.party} #${seq} at ${from.party}`,
      );
    } catch (error) {
      for (const p of [from, to]) {
        const status = await control(p.dir, 'status').catch((e) => String(e));
        console.log(p.party, JSON.stringify(status), p.node.log);
      }
      throw error;
    } finally {
      await store.close();
    }
  };

  before(async () => {
    [a, b] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await a.node.start();
    await b.node.start();
    channel = await openChannel(a, b);
  });
  after(async () => {
    await a?.node.stop();
    await b?.node.stop();
    cleanup();
  });

  it('delivers every message exactly once, in order, with all receipts back', { timeout: 120_000 }, async (t) => {
    const seed = Number(process.env.PARLEY_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const say = (text: string) => {
      t.diagnostic(text);
      console.log(`# faults-kill: ${text}`);
    };
    say(`seed ${seed} (rerun with PARLEY_FAULT_SEED=${seed})`);
    const random = seededRandom(seed);

    const logOf = async (party: Party): Promise<LogLine[]> =>
      parseLog((await control<{ lines: string[] }>(party.dir, 'log', { channel })).lines);

    // The stream: message i has subject m-i; a few operators send at once, so the node numbers them.
    const acked = new Map<number, number>(); // i → serial A answered with
    let foundAfterKill = 0;
    let resent = 0;
    let done = 0;
    const sendOne = async (i: number): Promise<void> => {
      for (;;) {
        try {
          const r = await control<{ serial: number }>(a.dir, 'send', {
            channel,
            subject: `m-${i}`,
            text: `message ${i}`,
          });
          acked.set(i, r.serial);
          return;
        } catch (error) {
          if (error instanceof ControlRefusal) throw error;
          // The connection dropped: A was killed. Once it serves again, look before resending.
          const lines = await eventually(() => logOf(a), 20_000, 'A serving again');
          if (lines.some((l) => l.author === a.party && l.subject === `m-${i}`)) {
            foundAfterKill++;
            return;
          }
          resent++;
        }
      }
    };

    // The kills: 3–5, at random points of the stream, at least one of each node.
    const kills = 3 + Math.floor(random() * 3);
    const triggers = Array.from({ length: kills }, () => 100 + Math.floor(random() * (TOTAL - 200))).sort(
      (x, y) => x - y,
    );
    const victims = [a, b, ...Array.from({ length: kills - 2 }, () => (random() < 0.5 ? a : b))];
    if (random() < 0.5) victims.reverse();
    const killLog: string[] = [];
    const killer = (async () => {
      for (let k = 0; k < kills; k++) {
        while (done < triggers[k]!) await sleep(2);
        await sleep(Math.floor(random() * 40));
        const victim = victims[k]!;
        const pause = 200 + Math.floor(random() * 800);
        const at = done;
        await victim.node.stop('SIGKILL');
        await sleep(pause);
        await victim.node.start();
        killLog.push(`kill -9 ${victim.party} after ${at} sends, down ${pause} ms`);
      }
    })();

    const t0 = Date.now();
    let next = 1;
    const operator = async () => {
      while (next <= TOTAL) {
        await sendOne(next++);
        done++;
      }
    };
    await Promise.all(Array.from({ length: OPERATORS }, operator));
    const sentMs = Date.now() - t0;
    await killer;
    for (const line of killLog) say(line);
    say(
      `${TOTAL} sends in ${sentMs} ms (${acked.size} acknowledged by A, ${foundAfterKill} cut off by a kill but found written, ${resent} resent)`,
    );

    // Everything delivered, everything acknowledged.
    const aHead = (await control<StatusJson>(a.dir, 'status')).channels[0]!.heads[a.party]!;
    await eventually(
      async () => ((await control<StatusJson>(b.dir, 'status')).channels[0]!.heads[a.party] ?? 0) >= aHead,
      30_000,
      `B holding A's feed up to #${aHead}`,
    );
    const deliveredMs = Date.now() - t0;
    const lastMessage = feedOf(await logOf(a), a.party).findLast((l) => l.type === 'message')!.seq;
    await receiptsCover(a, b, lastMessage, 30_000);
    const receiptsMs = Date.now() - t0;
    say(`all ${TOTAL} at B ${deliveredMs} ms after the first send (${deliveredMs - sentMs} ms after the last)`);
    say(`B's receipts covering all of them at A ${receiptsMs} ms after the first send`);

    // At B: A's feed contiguous; serials 1..TOTAL in seq order; each m-i exactly once.
    const expectStream = (feed: LogLine[], where: string) => {
      const messages = feed.filter((l) => l.type === 'message');
      assert.equal(messages.length, TOTAL, `${where}: ${messages.length} messages`);
      messages.forEach((m, k) => {
        assert.equal(m.serial, k + 1, `${where}: message at #${m.seq} has serial ${m.serial}, expected ${k + 1}`);
      });
      const subjects = new Map(messages.map((m) => [m.subject!, m]));
      assert.equal(subjects.size, TOTAL, `${where}: a subject appears twice`);
      for (let i = 1; i <= TOTAL; i++) assert.ok(subjects.has(`m-${i}`), `${where}: m-${i} missing`);
      // Every send A acknowledged is there, under the serial A answered with.
      for (const [i, serial] of acked) assert.equal(subjects.get(`m-${i}`)!.serial, serial, `${where}: m-${i}`);
      for (let k = 1; k < feed.length; k++) assert.ok(feed[k - 1]!.time <= feed[k]!.time, `${where}: time regresses`);
    };
    const atB = feedOf(await logOf(b), a.party);
    expectStream(atB, 'B');
    // At A: its own restarts kept everything it acknowledged (synchronous=FULL) — checked in expectStream.
    const atA = feedOf(await logOf(a), a.party);
    expectStream(atA, 'A');
    // B's copy is A's feed (A may have written a receipt or cosignature since).
    assert.ok(atA.length >= atB.length);
    assert.deepEqual(atB, atA.slice(0, atB.length), "B's copy of A's feed differs from A's");

    // No forks anywhere; A's feed as B holds it verifies offline.
    for (const p of [a, b]) assert.equal((await control<StatusJson>(p.dir, 'status')).forks, 0, `forks at ${p.party}`);
    const bundle = await control(b.dir, 'export', { channel });
    const file = join(root, 'kill-bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const verified = await cli(['verify', file]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });

  /**
   * B is down; A writes `tag`-1..3; then B's store takes them exactly as B's ingest does, without
   * the receipt that follows in a second transaction: B as if killed between the two. Returns A's last seq.
   */
  const storedNotAnswered = async (tag: string): Promise<number> => {
    await b.node.stop('SIGKILL');
    for (let i = 1; i <= 3; i++) await control(a.dir, 'send', { channel, subject: `${tag}-${i}`, text: 'x' });
    const ofA = await openNode(a.dir);
    const ofB = await openNode(b.dir);
    try {
      const from = ((await ofB.store.head(channel, a.party))?.seq ?? 0) + 1;
      const rows = await ofA.store.range(channel, a.party, from, 100);
      assert.ok(rows.length >= 3);
      const result = await ingestBatch(
        ofB.store,
        await ofB.node.channel(channel),
        rows.map(rowToEntry),
        () => Date.now(),
        ofB.node.now(),
      );
      assert.equal(result.stored, rows.length, String(result.error));
      return rows.at(-1)!.seq;
    } finally {
      await ofA.close();
      await ofB.close();
    }
  };

  it('gets a receipt for a batch the receiver stored but died before answering', { timeout: 60_000 }, async (t) => {
    // The one window a random kill rarely hits. After B's restart, A may resend (all duplicates at B)
    // or learn from a heartbeat that B holds them and send nothing: either way B must answer.
    const last = await storedNotAnswered('window');
    const t0 = Date.now();
    await b.node.start();
    await receiptsCover(a, b, last, 10_000);
    const ms = Date.now() - t0;
    t.diagnostic(`receipt at A ${ms} ms after B's restart`);
    console.log(`# faults-kill: receipt for the batch stored before the kill at A ${ms} ms after B's restart`);
  });

  it('answers such a batch on restart by itself, with the sender down', { timeout: 60_000 }, async () => {
    const last = await storedNotAnswered('alone');
    await a.node.stop('SIGKILL');
    await b.node.start();
    const store = await openDataStore(b.dir);
    try {
      await eventually(
        async () => {
          const head = await store.head(channel, b.party);
          const row = head && (await store.getEntry(channel, b.party, head.seq));
          const acked = row ? (JSON.parse(row.header) as { heads: Record<string, { seq: number }> }).heads : {};
          return (acked[a.party]?.seq ?? 0) >= last;
        },
        10_000,
        `B's own receipt for us-js #${last}`,
      );
    } finally {
      await store.close();
    }
    await a.node.start();
    await receiptsCover(a, b, last, 10_000);
  });
});
