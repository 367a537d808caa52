import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkPrefix } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { linkRequest } from '../link/http-client.js';
import type { Serving } from '../runtime/serve.js';
import { acknowledged, dropSchemas, message, pair } from './link-pair.js';
import { fsyncMs, percentile, printTable, type Row, rssMb, signVerifyMs, spacedPartsMs } from './measure.js';

/**
 * npm run bench:link — two nodes on loopback, real TLS: A runs in this
 * process (so its events time receipts exactly), B is a `parley serve` child.
 * Every figure is printed beside its floor or target, measured in this run.
 */
const scale = Number(process.env.PARLEY_BENCH_SCALE ?? 1);
const dialects = (process.env.PARLEY_BENCH_DB ?? 'sqlite,postgres').split(',');
/** FLASH rounds start this long after the previous one was acknowledged. */
const gapMs = 10;

/** Starts bench/echo-server.js serving with `serverDir`'s TLS identity to `clientDir`'s; resolves with its address. */
function startEcho(serverDir: string, clientDir: string): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./echo-server.js', import.meta.url)), serverDir, clientDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`echo server exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve({ base: `https://127.0.0.1:${Number(String(chunk).trim())}`, child }),
    );
  });
}

/** Appends `n` entries with up to `concurrency` in flight (group commit); returns the last seq. */
async function appendMany(
  node: Serving['open']['node'],
  channel: string,
  n: number,
  make: () => { type: string; body: JsonValue },
  concurrency = 64,
): Promise<number> {
  let next = 0;
  let last = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const seq = (await node.append(channel, make())).entry.header.seq;
      if (seq > last) last = seq;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return last;
}

async function run(dialect: string): Promise<Row[]> {
  const root = mkdtempSync(join(tmpdir(), 'parley-bench-link-'));
  const { a, b, served, channel, envFor } = await pair(root, dialect);
  const node = served.open.node;
  let serial = 0;
  const body = (p: string) => {
    const m = message(p, ++serial) as Record<string, unknown>;
    delete m.translation;
    return m as JsonValue;
  };
  try {
    // Floor: one fsync on each side + one sign + one verify + one warm HTTPS round trip.
    const fs = fsyncMs(root);
    const { sign, verify } = signVerifyMs();
    // The round trip: a bare HTTPS echo server in its own process, with B's TLS
    // identity and the link's TLS settings, over the link's own pinned agent.
    // The link's heartbeat is timed too, for reference: it also reads B's store.
    const agent = served.link.agentOf('cn-jsd')!;
    const roundTrips = async (base: string, path: string, gapMs = 0, n = 200) => {
      const times: number[] = [];
      for (let i = 0; i < 50 + n; i++) {
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        const t = performance.now();
        await linkRequest(agent, base, 'POST', path, { sent: new Date().toISOString(), nonce: String(i) }, 5000);
        if (i >= 50) times.push(performance.now() - t);
      }
      return percentile(times, 50);
    };
    const echo = await startEcho(b.dir, a.dir);
    let rtt: number;
    let spacedRtt: number;
    try {
      rtt = await roundTrips(echo.base, '/echo');
      spacedRtt = await roundTrips(echo.base, '/echo', gapMs, 100);
    } finally {
      echo.child.kill();
    }
    const heartbeatRtt = await roundTrips(served.link.links.get('cn-jsd')!.activeEndpoint, `${linkPrefix}/heartbeat`);
    const floor = 2 * fs + sign + verify + rtt;
    // The same parts, each measured 10 ms after the last, as the rounds below run (reported beside the floor).
    const spaced = await spacedPartsMs(root, gapMs);
    const spacedFloor = 2 * spaced.fsync + spaced.sign + spaced.verify + spacedRtt;

    // FLASH latency: submission → A holds B's receipt covering it. The first
    // round trips (JIT compilation, first statements prepared) are a warm-up,
    // not measured: the figure is a running node's.
    const lat: number[] = [];
    const warmUp = 30;
    for (let i = 0; i < warmUp + Math.round(200 * scale); i++) {
      const t = performance.now();
      const { entry } = await node.append(channel, { type: 'message', body: body('FLASH') });
      await acknowledged(served, channel, entry.header.seq);
      if (i >= warmUp) lat.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);

    // Sustained throughput with receipts: A writes as fast as it can; B's receipts must cover all of it.
    const n = Math.round(20_000 * scale);
    const t0 = performance.now();
    let last = await appendMany(node, channel, n, () => ({ type: 'message', body: body('ROUTINE') }));
    await acknowledged(served, channel, last);
    const throughput = n / ((performance.now() - t0) / 1000);

    // Catch-up after a partition: B is away while A writes; time from B's return until it acknowledged all.
    await b.node.stop();
    const backlog = Math.round(100_000 * scale);
    last = await appendMany(node, channel, backlog, () => ({ type: 'message', body: body('ROUTINE') }));
    const t1 = performance.now();
    await b.node.start();
    await acknowledged(served, channel, last);
    const catchUp = (performance.now() - t1) / 1000;

    // Idle memory of a node (B, a real process): right after the catch-up, and freshly restarted holding the data.
    await new Promise((r) => setTimeout(r, 5000));
    const rssAfterLoad = await rssMb(b.node.pid!);
    await b.node.stop();
    await b.node.start();
    await new Promise((r) => setTimeout(r, 5000));
    const rss = await rssMb(b.node.pid!);

    const tag = `[${dialect}]`;
    return [
      {
        name: `${tag} FLASH latency p50 (submit → peer's receipt held)`,
        value: p50,
        unit: 'ms',
        baseline: floor,
        target: '≤ 3× floor',
        pass: p50 <= 3 * floor,
      },
      { name: `${tag} FLASH latency p99`, value: p99, unit: 'ms', baseline: floor, target: 'reported', pass: true },
      {
        name: `${tag} floor: 2 fsync + sign + verify + warm HTTPS RTT`,
        value: floor,
        unit: 'ms',
        target: `fsync ${fs.toFixed(3)}, sign ${sign.toFixed(3)}, verify ${verify.toFixed(3)}, rtt ${rtt.toFixed(3)} (link heartbeat ${heartbeatRtt.toFixed(3)})`,
        pass: true,
      },
      {
        name: `${tag} the same floor, each part measured ${gapMs} ms after the last (as the rounds run); FLASH p50 ${(p50 / spacedFloor).toFixed(2)}× it`,
        value: spacedFloor,
        unit: 'ms',
        target: `reported: fsync ${spaced.fsync.toFixed(3)}, sign ${spaced.sign.toFixed(3)}, verify ${spaced.verify.toFixed(3)}, rtt ${spacedRtt.toFixed(3)} (medians)`,
        pass: true,
      },
      {
        name: `${tag} sustained throughput A→B with receipts (${n} entries)`,
        value: throughput,
        unit: 'entries/s',
        target: dialect === 'sqlite' ? '≥ 3000/s' : 'reported',
        pass: dialect !== 'sqlite' || throughput >= 3000,
      },
      {
        name: `${tag} catch-up of ${backlog} entries after a partition`,
        value: catchUp,
        unit: 's',
        target: '≤ 30 s',
        pass: catchUp <= 30 * Math.max(scale, 0.01),
      },
      {
        name: `${tag} idle RSS of a node (restarted, holding the record)`,
        value: rss,
        unit: 'MB',
        target: '< 150 MB',
        pass: rss < 150,
      },
      {
        name: `${tag} RSS of the same node idle right after the catch-up`,
        value: rssAfterLoad,
        unit: 'MB',
        target: 'reported',
        pass: true,
      },
    ];
  } finally {
    await b.node.stop();
    await served.stop();
    rmSync(root, { recursive: true, force: true });
    if (dialect === 'postgres') await dropSchemas(envFor);
  }
}

const rows: Row[] = [];
for (const dialect of dialects) rows.push(...(await run(dialect)));
printTable('Link benchmark (loopback, real TLS, real processes)', rows);
