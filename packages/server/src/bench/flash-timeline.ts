/**
 * npm run bench:timeline — where the time of a FLASH round trip goes. The
 * link benchmark's two nodes (A in this process, B a child), on SQLite or,
 * with `PARLEY_TIMELINE_DB=postgres`, on PostgreSQL (`PARLEY_TEST_PG_URL`),
 * with bench/timeline-recorder.js loaded in both: every signature,
 * verification, SQLite begin and commit, message to PostgreSQL and its
 * answer, and HTTP request start and end is marked, and the steps of the
 * round trips are printed in order with the median time since the step
 * before. `PARLEY_TIMELINE_ROUNDS` (default 200) rounds after 30 unmeasured
 * ones, 10 ms apart as the link benchmark's FLASH rounds are.
 *
 * The recorder costs a few microseconds a mark, so the round trip measured
 * here is a little slower than `npm run bench:link`'s; the figure of record
 * is that benchmark's, and this one says where its time goes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@parley/record';
import { percentile } from './measure.js';
import { timeline } from './timeline.js';
import { install, type Mark, mark, recorded } from './timeline-recorder.js';

const rounds = Number(process.env.PARLEY_TIMELINE_ROUNDS ?? 200);
const warmUp = 30;

// This process (A) records from here on, in memory; B, started below, loads
// the recorder first thing and writes its marks to `dir` when it exits.
install(undefined);
const dir = mkdtempSync(join(tmpdir(), 'parley-timeline-'));
process.env.PARLEY_TIMELINE_DIR = dir;
const recorder = fileURLToPath(new URL('./timeline-recorder.js', import.meta.url));
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${JSON.stringify(recorder)}`.trim();

const database = process.env.PARLEY_TIMELINE_DB ?? 'sqlite';
if (database !== 'sqlite' && database !== 'postgres')
  throw new Error(`PARLEY_TIMELINE_DB: sqlite or postgres, not ${database}`);
// Loaded after the recorder: it marks messages to PostgreSQL where the store's client sends them.
const { acknowledged, dropSchemas, message, pair } = await import('./link-pair.js');
const root = join(dir, 'nodes');
const { b, served, channel, envFor } = await pair(root, database);
const node = served.open.node;
const bPid = b.node.pid!;
const totals: number[] = [];
try {
  for (let i = 0; i < warmUp + rounds; i++) {
    const measured = i >= warmUp;
    const body = { ...(message('FLASH', i + 1) as Record<string, unknown>) };
    delete body.translation;
    if (measured) mark('round<');
    const t = performance.now();
    const { entry } = await node.append(channel, { type: 'message', body: body as JsonValue });
    await acknowledged(served, channel, entry.header.seq);
    if (measured) {
      totals.push(performance.now() - t);
      mark('round>');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
} finally {
  await b.node.stop();
  await served.stop();
  if (database === 'postgres') await dropSchemas(envFor);
}
const bMarks = JSON.parse(readFileSync(join(dir, `${bPid}.json`), 'utf8')) as Mark[];
const t = timeline(recorded(), bMarks);
rmSync(dir, { recursive: true, force: true });

console.log(
  `\nFLASH round trip, step by step (${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; A sends, B stores and answers with its receipt; ${t.typical} of ${t.rounds} rounds in the order below)`,
);
console.log('| step | at (median, ms) | since the step before (median, ms) |');
console.log('|---|---|---|');
for (const s of t.steps) console.log(`| ${s.step} | ${s.atMs.toFixed(3)} | ${s.sinceMs.toFixed(3)} |`);
console.log(
  `\nround trip p50 ${percentile(totals, 50).toFixed(2)} ms over ${totals.length} rounds (with the recorder on)`,
);
