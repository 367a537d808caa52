/**
 * `npm run bench:timeline:oneway`: the path issue 8's one-way latency
 * measures, step by step — a message submitted at A's control API (the
 * `send` operation, the console's hotline rules), stored and signed, pushed,
 * stored at B and shown on B's console stream. The XMPP benchmark's two
 * Parley nodes (`xmpp/parley-pair.ts`: real `parley serve` processes, SQLite,
 * the link's TLS, a console stream open on each), with the recorder
 * (`timeline-recorder.ts`) loaded in both nodes and in this process, the
 * client. Rounds as the XMPP benchmark's latency rounds run them: one message
 * at a time, B's receipt back at A before the next, 10 ms apart.
 *
 * Steps are labelled C: (this process: the client and the two console
 * streams it reads), A: and B: (the nodes). `shown` is marked when the
 * client has read the `entry` event off B's stream, `round>` when it has
 * read B's receipt off A's. Every figure is the machine's clock in
 * microseconds, shared by the three processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServedNode } from '../test-util/nodes.js';
import { percentile } from './measure.js';
import { timelineOf } from './timeline.js';
import { install, type Mark, mark, recorded } from './timeline-recorder.js';

const rounds = Number(process.env.PARLEY_TIMELINE_ROUNDS ?? 200);
const warmUp = 30;
const text = 'Hotline check: acknowledge on receipt. This is a short message of about the size an operator types.';

// This process records in memory; the nodes load the recorder first thing and write their marks to `dir` at exit.
install(undefined);
const dir = mkdtempSync(join(tmpdir(), 'parley-oneway-'));
process.env.PARLEY_TIMELINE_DIR = dir;
const recorder = fileURLToPath(new URL('./timeline-recorder.js', import.meta.url));
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${JSON.stringify(recorder)}`.trim();
const { send, startPair } = await import('./xmpp/parley-pair.js');

const nodes: ServedNode[] = [];
const answered: number[] = [];
const shown: number[] = [];
let pids: number[] = [];
try {
  const pair = await startPair(join(dir, 'nodes'), (node) => nodes.push(node));
  pids = [pair.a.pid!, pair.b.pid!];
  for (let i = 0; i < warmUp + rounds; i++) {
    const measured = i >= warmUp;
    if (measured) mark('round<');
    const t = performance.now();
    const { seq } = await send(pair, `oneway ${i}`, text);
    if (measured) {
      mark('answered');
      answered.push(performance.now() - t);
    }
    const at = await pair.bEvents.entry(seq);
    if (measured) {
      mark('shown');
      shown.push(at - t);
    }
    await pair.aEvents.receipt(seq);
    if (measured) mark('round>');
    pair.aEvents.forget();
    pair.bEvents.forget();
    await new Promise((r) => setTimeout(r, 10));
  }
  pair.aEvents.close();
  pair.bEvents.close();
} finally {
  for (const node of nodes) await node.stop();
}
const marksOf = (pid: number) => JSON.parse(readFileSync(join(dir, `${pid}.json`), 'utf8')) as Mark[];
const t = timelineOf({ C: recorded(), A: marksOf(pids[0]!), B: marksOf(pids[1]!) }, 'C');
rmSync(dir, { recursive: true, force: true });

console.log(
  `\nOne-way path, step by step (SQLite; submitted at A's control API → shown on B's console stream → B's receipt shown on A's; ${t.typical} of ${t.rounds} rounds in the order below)`,
);
console.log('| step | at (median, ms) | since the step before (median, ms) |');
console.log('|---|---|---|');
for (const s of t.steps) console.log(`| ${s.step} | ${s.atMs.toFixed(3)} | ${s.sinceMs.toFixed(3)} |`);
console.log(
  `\nsubmission answered p50 ${percentile(answered, 50).toFixed(2)} ms; shown on B's console stream p50 ${percentile(shown, 50).toFixed(2)} ms (the XMPP benchmark's one-way latency) over ${shown.length} rounds, the recorder on`,
);
