import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { examples } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import pg from 'pg';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, type Party, ServedNode } from '../test-util/nodes.js';
import { openChannel } from './link-pair.js';
import { rssMb } from './measure.js';

/**
 * Idle memory of a restarted `parley serve` holding N entries, per dialect:
 * the setup of the link benchmark's idle-RSS figure, without its timings.
 *
 *   node packages/server/dist/bench/idle-memory.js [N=50000] [sqlite,postgres]
 *     builds a pair (A in this process, B a `parley serve` child), A appends N
 *     entries, B takes them in; then B is restarted, idles 5 s, and its RSS and
 *     where it goes (V8 heap per space, external, anonymous vs file-backed pages,
 *     collections so far) are printed. PostgreSQL: a fresh schema per party
 *     in PARLEY_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
 *   PARLEY_IDLE_KEEP=1 keeps the data and prints its state file;
 *   node .../idle-memory.js measure <state.json> re-measures kept data (e.g. after a code change).
 *   PARLEY_IDLE_SECONDS (default 5): how long B idles before it is measured.
 *   PARLEY_IDLE_SNAPSHOT=1: also a heap snapshot of B, summarised by constructor.
 *   PARLEY_IDLE_PROBE_ALLOCPROF=all|promoted, PARLEY_IDLE_PROBE_QUERIES=1: see idle-probe.ts.
 *   PARLEY_IDLE_CHILD_NODE_OPTIONS: more Node options for B.
 * RSS 5 s after a start depends on when V8 last collected: take several runs.
 */
const pgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** How long B idles before its RSS is read (the link benchmark: 5 s). */
const idleMs = Number(process.env.PARLEY_IDLE_SECONDS ?? 5) * 1000;
const probe = fileURLToPath(new URL('./idle-probe.js', import.meta.url));

interface State {
  root: string;
  dialect: string;
  n: number;
  env: Record<string, NodeJS.ProcessEnv>;
  dirs: Record<string, string>;
}

const envFor =
  (dialect: string, suffix: string) =>
  (party: string): NodeJS.ProcessEnv =>
    dialect === 'postgres'
      ? { PARLEY_DATABASE_URL: pgUrl, PARLEY_DATABASE_SCHEMA: `parley_idle_${party.replace('-', '_')}_${suffix}` }
      : { PARLEY_DATABASE_URL: '', PARLEY_DATABASE_SCHEMA: '' };

function serveA(state: State): Promise<Serving> {
  Object.assign(process.env, state.env['us-js']);
  return serve(state.dirs['us-js']!, { heartbeatMs: 1000 });
}

async function build(n: number, dialect: string): Promise<State> {
  const root = mkdtempSync(join(tmpdir(), 'parley-idle-'));
  const env = envFor(dialect, `${process.pid}_${Date.now()}`);
  const [a, b] = (await initParties(root, ['us-js', 'cn-jsd'], env)) as [Party, Party];
  const state: State = {
    root,
    dialect,
    n,
    env: { 'us-js': env('us-js'), 'cn-jsd': env('cn-jsd') },
    dirs: { 'us-js': a.dir, 'cn-jsd': b.dir },
  };
  writeFileSync(join(root, 'state.json'), JSON.stringify(state));
  const served = await serveA(state);
  await b.node.start();
  try {
    const offer = { id: await openChannel(served, b.dir, env('cn-jsd')) };
    const t0 = performance.now();
    let next = 0;
    let last = 0;
    const worker = async () => {
      while (next < n) {
        const serial = ++next;
        const body = { ...examples.message, precedence: 'ROUTINE', subject: `idle ${serial}`, serial } as Record<
          string,
          unknown
        >;
        delete body.translation;
        const seq = (await served.open.node.append(offer.id, { type: 'message', body: body as JsonValue })).entry.header
          .seq;
        if (seq > last) last = seq;
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    await eventually(
      async () => ((await served.open.store.peerHeads(offer.id, 'cn-jsd'))['us-js'] ?? 0) >= last,
      300_000,
      'B holds all',
    );
    console.error(`[${dialect}] built ${n} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s (${root})`);
  } finally {
    await b.node.stop();
    await served.stop();
  }
  return state;
}

interface Probe {
  rss: number;
  heapUsed: number;
  external: number;
  snapshot?: string;
  [k: string]: unknown;
}

async function measure(state: State): Promise<{ rss: number; probe: Probe; out: string; top?: string }> {
  const served = await serveA(state);
  const out = join(state.root, `probe-${Date.now()}.json`);
  const b = new ServedNode(state.dirs['cn-jsd']!, {
    ...state.env['cn-jsd'],
    NODE_OPTIONS: `${process.env.PARLEY_IDLE_CHILD_NODE_OPTIONS ?? ''} --import=${probe}`.trim(),
    PARLEY_IDLE_PROBE_OUT: out,
    ...(process.env.PARLEY_IDLE_SNAPSHOT === '1' ? { PARLEY_IDLE_PROBE_SNAPSHOT: '1' } : {}),
  });
  try {
    await b.start();
    await new Promise((r) => setTimeout(r, idleMs));
    const rss = await rssMb(b.pid!);
    process.kill(b.pid!, 'SIGUSR2');
    await eventually(async () => existsSync(out), 60_000, 'probe');
    await new Promise((r) => setTimeout(r, 200));
    const probe = JSON.parse(readFileSync(out, 'utf8')) as Probe;
    const top = probe.snapshot ? summarise(probe.snapshot) : undefined;
    return { rss, probe, out, ...(top ? { top } : {}) };
  } finally {
    await b.stop();
    await served.stop();
  }
}

/** Self size and count per constructor (node type for non-objects) of a heap snapshot: the 15 largest. */
function summarise(path: string): string {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  rmSync(path);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [ti, ni, si] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const by = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + ti]!]!;
    const key = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + ni]!]! : `(${type})`;
    const e = by.get(key) ?? { size: 0, count: 0 };
    e.size += snap.nodes[i + si]!;
    e.count++;
    by.set(key, e);
  }
  return [...by]
    .sort((x, y) => y[1].size - x[1].size)
    .slice(0, 15)
    .map(([k, v]) => `  ${(v.size / 1048576).toFixed(1).padStart(7)} MB ${String(v.count).padStart(8)}  ${k}`)
    .join('\n');
}

async function cleanup(state: State): Promise<void> {
  if (state.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    for (const env of Object.values(state.env)) {
      await client.query(`drop schema if exists ${env.PARLEY_DATABASE_SCHEMA} cascade`);
    }
    await client.end();
  }
  rmSync(state.root, { recursive: true, force: true });
}

/** Sampled bytes per allocating function of a `.heapprofile`: the 12 largest. */
function allocators(path: string): string {
  interface Node {
    callFrame: { functionName: string; url: string; lineNumber: number };
    selfSize: number;
    children: Node[];
  }
  const { head } = JSON.parse(readFileSync(path, 'utf8')) as { head: Node };
  const by = new Map<string, number>();
  const walk = (n: Node) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '')}:${lineNumber}`;
    by.set(key, (by.get(key) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c);
  };
  walk(head);
  return [...by]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 12)
    .map(([k, v]) => `  ${(v / 1048576).toFixed(1).padStart(7)} MB  ${k}`)
    .join('\n');
}

function report(state: State, m: Awaited<ReturnType<typeof measure>>, probeOut: string): void {
  const p = m.probe as Probe & {
    spaces: Record<string, { size: number; used: number }>;
    queries: Array<[string, { calls: number; rows: number; ms: number }]>;
  };
  console.log(`[${state.dialect}] N=${state.n} restarted B idle ${idleMs / 1000} s: RSS ${m.rss.toFixed(1)} MB`);
  const old = p.spaces.old_space!;
  const young = p.spaces.new_space!;
  console.log(
    `  heap ${p.heapTotal} MB (used ${p.heapUsed}; old space ${old.size}/${old.used}, new space ${young.size}/${young.used})` +
      `, external ${p.external}, anon ${p.anon}, file-backed ${p.file}; cpu ${p.cpuMs} ms in ${p.uptimeMs} ms`,
  );
  console.log(`  collections: ${JSON.stringify(p.gcs)}`);
  for (const [text, q] of p.queries.slice(0, 5))
    console.log(`  ${String(q.rows).padStart(7)} rows ${String(q.calls).padStart(4)} calls  ${text.slice(0, 90)}`);
  if (m.top) console.log(`  heap snapshot, self size by constructor:\n${m.top}`);
  if (existsSync(`${probeOut}.heapprofile`))
    console.log(`  sampled allocations:\n${allocators(`${probeOut}.heapprofile`)}`);
}

if (process.argv[2] === 'measure') {
  const state = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as State;
  const m = await measure(state);
  report(state, m, m.out);
} else {
  const n = Number(process.argv[2] ?? 50_000);
  for (const dialect of (process.argv[3] ?? 'sqlite,postgres').split(',')) {
    const state = await build(n, dialect);
    try {
      const m = await measure(state);
      report(state, m, m.out);
    } finally {
      if (process.env.PARLEY_IDLE_KEEP === '1') console.log(`kept: ${join(state.root, 'state.json')}`);
      else await cleanup(state);
    }
  }
}
