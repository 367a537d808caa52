import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SseClient } from '../api/_sse.js';
import { sessionCookie } from '../api/cookies.js';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { cliPath, eventually, initParties, ok, type Party } from '../test-util/nodes.js';
import { percentile, printTable, type Row } from './measure.js';

/**
 * npm run bench:api — a FLASH message submitted by an operator and released
 * by a releaser through A's console API, timed until it appears on B's
 * /api/v1/events stream. Beside it, measured in the same run on the same pair:
 * the link's own p50 (bench:link's figure: an append at A until A holds B's
 * receipt covering it) and the link one way (an append at A until B's stream
 * shows it). Two nodes on loopback with real TLS: A in this process, B a
 * `parley serve` child.
 */
const n = Math.max(10, Math.round(100 * Number(process.env.PARLEY_BENCH_SCALE ?? 1)));
const dialects = (process.env.PARLEY_BENCH_DB ?? 'sqlite,postgres').split(',');
const pgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const password = randomBytes(18).toString('base64url');

/** `parley user add … --password-stdin`. */
function addUser(dir: string, name: string, role: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [cliPath, 'user', 'add', '--dir', dir, '--name', name, '--role', role, '--password-stdin'],
      { env: { ...process.env, ...env } },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`user add: ${out}`))));
    child.stdin.end(`${password}\n`);
  });
}

interface Session {
  base: string;
  cookie: string;
  csrf: string;
}

async function login(base: string, name: string): Promise<Session> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (!res.ok) throw new Error(`login ${name}: ${res.status} ${await res.text()}`);
  const cookie = /parley_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  return { base, cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function post<T>(s: Session, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${s.base}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `${sessionCookie}=${s.cookie}`, 'x-csrf-token': s.csrf },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

async function run(dialect: string): Promise<Row[]> {
  const root = mkdtempSync(join(tmpdir(), 'parley-bench-api-'));
  const suffix = `${process.pid}_${Date.now()}`;
  const envFor = (party: string): NodeJS.ProcessEnv =>
    dialect === 'postgres'
      ? { PARLEY_DATABASE_URL: pgUrl, PARLEY_DATABASE_SCHEMA: `parley_bapi_${party.replace('-', '_')}_${suffix}` }
      : { PARLEY_DATABASE_URL: '', PARLEY_DATABASE_SCHEMA: '' };
  const [a, b] = (await initParties(root, ['us-js', 'cn-jsd'], envFor)) as [Party, Party];
  await addUser(a.dir, 'op', 'operator', envFor('us-js'));
  await addUser(a.dir, 'rel', 'releaser', envFor('us-js'));
  await addUser(b.dir, 'watch', 'analyst', envFor('cn-jsd'));
  Object.assign(process.env, envFor('us-js'));
  const served: Serving = await serve(a.dir, { heartbeatMs: 1000 });
  const stream = new SseClient();
  try {
    await b.node.start();
    const offer = (await operations['channel-propose'](
      { open: served.open, link: served.link },
      { name: 'bench', members: 'us-js,cn-jsd' },
    )) as { id: string };
    const channel = offer.id;
    await eventually(
      async () => (await ok(['status', '--dir', b.dir, '--json'], envFor('cn-jsd'))).includes(channel),
      20_000,
      'offer',
    );
    await ok(['channel', 'accept', '--dir', b.dir, channel], envFor('cn-jsd'));
    await eventually(async () => (await served.open.store.getChannel(channel))?.state === 'active', 20_000, 'active');

    const bConsole = (JSON.parse(readFileSync(join(b.dir, 'serve.json'), 'utf8')) as { console: string }).console;
    const operator = await login(served.consoleUrl, 'op');
    const releaser = await login(served.consoleUrl, 'rel');
    const watcher = await login(bConsole, 'watch');
    await stream.connect(`${bConsole}/api/v1/events?channel=${encodeURIComponent(channel)}`, watcher.cookie);
    if (stream.status !== 200) throw new Error(`B's event stream answered ${stream.status}`);
    const seen = (id: string) =>
      stream.next((e) => e.event === 'entry' && (e.data as { id?: string }).id === id, `entry ${id} at B`, 20_000);
    const node = served.open.node;
    const body = (i: number, precedence = 'FLASH') => ({
      precedence,
      subject: `bench ${i}`,
      text: 'Bench message.',
      language: 'en',
      marking: 'UNCLASSIFIED',
      attachments: [],
      serial: i,
      release: { drafter: 'op', releaser: 'rel', emergency: false },
    });
    const acknowledged = async (seq: number) => {
      for (;;) {
        if (((await served.open.store.peerHeads(channel, 'cn-jsd'))['us-js'] ?? 0) >= seq) return;
        await new Promise<void>((resolve) => {
          const listener = (e: { author: string }) => {
            if (e.author !== 'cn-jsd') return;
            node.events.off('appended', listener);
            resolve();
          };
          node.events.on('appended', listener);
        });
      }
    };

    // Warm up every path once.
    const warm = await post<{ draft: { id: string } }>(operator, `/channels/${channel}/messages`, {
      precedence: 'FLASH',
      subject: 'warm',
      text: 'Warm up.',
    });
    await seen((await post<{ id: string }>(releaser, `/drafts/${warm.draft.id}/release`, {})).id);

    const link: number[] = [];
    const oneWay: number[] = [];
    const api: number[] = [];
    const pause = () => new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < n; i++) {
      // Interleaved, so the three figures share the machine's state.
      let t = performance.now();
      const { entry } = await node.append(channel, { type: 'message', body: body(i), assignSerial: true });
      await acknowledged(entry.header.seq);
      link.push(performance.now() - t);
      await pause();

      t = performance.now();
      const { id } = await node.append(channel, { type: 'message', body: body(i), assignSerial: true });
      await seen(id);
      oneWay.push(performance.now() - t);
      await pause();

      t = performance.now();
      const drafted = await post<{ kind: string; draft: { id: string } }>(operator, `/channels/${channel}/messages`, {
        precedence: 'FLASH',
        subject: `bench ${i}`,
        text: 'Bench message.',
      });
      const sent = await post<{ id: string }>(releaser, `/drafts/${drafted.draft.id}/release`, {});
      await seen(sent.id);
      api.push(performance.now() - t);
      await pause();
    }
    const linkP50 = percentile(link, 50);
    const apiP50 = percentile(api, 50);
    const ratio = apiP50 / linkP50;
    const tag = `[${dialect}]`;
    console.log(`${tag} api-to-link-p50-ratio: ${ratio.toFixed(2)}`);
    return [
      {
        name: `${tag} API p50: submit FLASH (draft) + release, until on B's /api/v1/events`,
        value: apiP50,
        unit: 'ms',
        baseline: linkP50,
        target: '≤ 2× link p50',
        pass: ratio <= 2,
      },
      {
        name: `${tag} API p99`,
        value: percentile(api, 99),
        unit: 'ms',
        baseline: linkP50,
        target: 'reported',
        pass: true,
      },
      {
        name: `${tag} link p50: append at A until A holds B's receipt (bench:link's figure)`,
        value: linkP50,
        unit: 'ms',
        target: `p99 ${percentile(link, 99).toFixed(2)} ms`,
        pass: true,
      },
      {
        name: `${tag} link one way p50: append at A until on B's /api/v1/events`,
        value: percentile(oneWay, 50),
        unit: 'ms',
        baseline: linkP50,
        target: 'reported',
        pass: true,
      },
    ];
  } finally {
    stream.close();
    await b.node.stop();
    await served.stop();
    rmSync(root, { recursive: true, force: true });
    if (dialect === 'postgres') await dropSchemas([envFor('us-js'), envFor('cn-jsd')]);
  }
}

async function dropSchemas(envs: NodeJS.ProcessEnv[]): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    for (const env of envs) await client.query(`drop schema if exists ${env.PARLEY_DATABASE_SCHEMA} cascade`);
  } finally {
    await client.end();
  }
}

const rows: Row[] = [];
const ratios: string[] = [];
for (const dialect of dialects) {
  const r = await run(dialect);
  rows.push(...r);
  ratios.push(`${dialect} ${(r[0]!.value / r[0]!.baseline!).toFixed(2)}`);
}
printTable(`Console API benchmark (${n} FLASH messages a figure, loopback, real TLS, real processes)`, rows);
const worst = Math.max(...rows.filter((r) => r.target === '≤ 2× link p50').map((r) => r.value / r.baseline!));
console.log(`\napi-to-link-p50-ratio: ${worst.toFixed(2)} (${ratios.join(', ')})`);
