import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';

/**
 * Preloaded into the `parley serve` child of idle-memory.ts (NODE_OPTIONS=--import),
 * never by the node itself. On SIGUSR2 it writes where the process's memory is
 * to PARLEY_IDLE_PROBE_OUT: RSS, V8 heap (per space), external, anonymous vs
 * file-backed pages, and the collections so far. Options, each for diagnosis:
 *
 * - PARLEY_IDLE_PROBE_SNAPSHOT=1: a heap snapshot beside it (after a full GC: what is live).
 * - PARLEY_IDLE_PROBE_ALLOCPROF=all|promoted: a sampled allocation profile
 *   (`.heapprofile`) from start: everything allocated, or only what outlived the
 *   young generation (what fills the old space).
 * - PARLEY_IDLE_PROBE_CPUPROF=1: a CPU profile from start (`.cpuprofile`).
 * - PARLEY_IDLE_PROBE_QUERIES=1: each PostgreSQL query's calls, rows and time,
 *   and a timeline. It wraps every query, which itself shifts object lifetimes:
 *   do not read RSS from a run with it.
 */
const out = process.env.PARLEY_IDLE_PROBE_OUT;

const queries = new Map<string, { calls: number; rows: number; ms: number }>();
const timeline: Array<[number, number, number, string]> = [];
if (out && process.env.PARLEY_IDLE_PROBE_QUERIES === '1') {
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text);
    const t = performance.now();
    const record = (r: { rows?: unknown[] } | undefined) => {
      const e = queries.get(text) ?? { calls: 0, rows: 0, ms: 0 };
      e.calls++;
      e.rows += r?.rows?.length ?? 0;
      e.ms += performance.now() - t;
      queries.set(text, e);
      timeline.push([Math.round(t), Math.round(performance.now()), r?.rows?.length ?? 0, text.slice(0, 60)]);
    };
    // A query object pg queues as it is (the store's pipelines, deferred-writes.ts) is answered through its callback.
    const submittable = args[0] as { submit?: unknown; callback?: (error: unknown, r?: { rows?: unknown[] }) => void };
    if (typeof submittable?.submit === 'function' && typeof submittable.callback === 'function') {
      const answered = submittable.callback;
      submittable.callback = (error: unknown, r?: { rows?: unknown[] }) => {
        if (!error) record(r);
        answered(error, r);
      };
    }
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: unknown, r: { rows?: unknown[] } | undefined) => void;
      args[last] = (error: unknown, r: { rows?: unknown[] } | undefined) => {
        if (!error) record(r);
        callback(error, r);
      };
    }
    const result = query.apply(this, args);
    if (result instanceof Promise) void result.then(record, () => {});
    return result;
  } as typeof pg.Client.prototype.query;
}

let stopProfile: (() => void) | undefined;
const allocProf = process.env.PARLEY_IDLE_PROBE_ALLOCPROF;
if (out && (allocProf || process.env.PARLEY_IDLE_PROBE_CPUPROF === '1')) {
  const session = new Session();
  session.connect();
  if (allocProf) {
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 32768,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: allocProf === 'all',
    } as object);
    stopProfile = () =>
      session.post('HeapProfiler.stopSampling', (error, result) => {
        if (!error) writeFileSync(`${out}.heapprofile`, JSON.stringify(result.profile));
      });
  } else {
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    stopProfile = () =>
      session.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(`${out}.cpuprofile`, JSON.stringify(result.profile));
      });
  }
}

/** Major (mark-compact) and minor collections so far, the heap after each major one, and when the last ran. */
const gcs = { minor: 0, major: 0, majorsAt: [] as string[], lastAt: 0 };
if (out) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gcs.major++;
        gcs.majorsAt.push(`${Math.round(e.startTime)}ms:${Math.round(process.memoryUsage().heapUsed / 1048576)}MB`);
      } else gcs.minor++;
      gcs.lastAt = Math.round(e.startTime);
    }
  }).observe({ entryTypes: ['gc'] });

  process.on('SIGUSR2', () => {
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
    const mem = process.memoryUsage();
    const heap = getHeapStatistics();
    const smaps = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (key: string) => mb(Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(smaps)?.[1] ?? 0) * 1024);
    const report = {
      rss: mb(mem.rss),
      heapTotal: mb(mem.heapTotal),
      heapUsed: mb(mem.heapUsed),
      external: mb(mem.external),
      arrayBuffers: mb(mem.arrayBuffers),
      mallocedMemory: mb(heap.malloced_memory),
      anon: kb('Anonymous'),
      file: Math.round((kb('Rss') - kb('Anonymous')) * 10) / 10,
      spaces: Object.fromEntries(
        getHeapSpaceStatistics().map((s) => [s.space_name, { size: mb(s.space_size), used: mb(s.space_used_size) }]),
      ),
      uptimeMs: Math.round(performance.now()),
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      gcs,
      queries: [...queries].sort((a, b) => b[1].rows - a[1].rows).slice(0, 20),
      timeline,
      snapshot: process.env.PARLEY_IDLE_PROBE_SNAPSHOT === '1' ? writeHeapSnapshot(`${out}.heapsnapshot`) : undefined,
    };
    stopProfile?.();
    writeFileSync(out, JSON.stringify(report, null, 1));
  });
}
