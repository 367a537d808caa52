/**
 * The cost of one submission at the sending node: N messages through the
 * control API's `send` (64 in flight) at a served node with a peer (the XMPP
 * benchmark's pair), timed, with the sending node's CPU time per message and,
 * when strace is installed and may attach, its fsyncs per message.
 * `node packages/server/dist/bench/send-path.bench.js [N]` (docs/decisions/0017).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServedNode } from '../test-util/nodes.js';
import { cpuMs } from './xmpp/cleanup.js';
import { send, startPair } from './xmpp/parley-pair.js';

const n = Number(process.argv[2] ?? 1000);
const inFlight = 64;

async function burst(pair: Awaited<ReturnType<typeof startPair>>, count: number, tag: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await send(pair, `${tag} ${i}`, `message ${i} of the send-path benchmark`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

function straceOf(pid: number, out: string): ChildProcess | undefined {
  if (spawnSync('strace', ['-V']).status !== 0) return undefined;
  return spawn('strace', ['-f', '-c', '-e', 'trace=fsync,fdatasync', '-o', out, '-p', String(pid)], {
    stdio: 'ignore',
  });
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'parley-bench-send-'));
  const nodes: ServedNode[] = [];
  try {
    const pair = await startPair(root, (node) => nodes.push(node));
    await burst(pair, 64, 'warm-up');
    const pid = pair.a.pid!;
    const traceFile = join(root, 'strace.txt');
    const tracer = straceOf(pid, traceFile);
    if (tracer) await new Promise((r) => setTimeout(r, 500));
    const cpu0 = cpuMs(pid);
    const t0 = performance.now();
    await burst(pair, n, 'bench');
    const wall = performance.now() - t0;
    const cpu = cpuMs(pid) - cpu0;
    let fsyncs = Number.NaN;
    if (tracer) {
      tracer.kill('SIGINT');
      await new Promise((r) => tracer.once('exit', r));
      const text = spawnSync('cat', [traceFile], { encoding: 'utf8' }).stdout;
      fsyncs = 0;
      for (const m of text.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)\s*$/gm))
        fsyncs += Number(m[1]);
    }
    console.log(`messages: ${n}, ${inFlight} in flight`);
    console.log(`throughput (submissions answered): ${((n * 1000) / wall).toFixed(1)} msg/s`);
    console.log(`sending node CPU per message: ${(cpu / n).toFixed(2)} ms`);
    console.log(
      `sending node fsyncs per message: ${Number.isNaN(fsyncs) ? 'not measured (no strace)' : (fsyncs / n).toFixed(2)}`,
    );
    pair.aEvents.close();
    pair.bEvents.close();
    pair.control?.agent.destroy();
  } finally {
    for (const node of nodes.reverse()) await node.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
