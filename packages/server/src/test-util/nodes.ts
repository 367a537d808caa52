import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../runtime/free-port.js';
import { onText } from './text-output.js';

export const cliPath = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI to completion. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    onText(child.stdout, (t) => (stdout += t));
    onText(child.stderr, (t) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI and fails with its output unless it exits 0. */
export async function ok(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`parley ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export { freePort };

export function tempRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'parley-nodes-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A `parley serve` child process. */
export class ServedNode {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  #child: ChildProcess | undefined;
  log = '';
  /** The nodes of this test process that serve now, for the logs a timed-out wait prints. */
  static readonly running = new Set<ServedNode>();

  constructor(dir: string, env: NodeJS.ProcessEnv = {}) {
    this.dir = dir;
    this.env = env;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts serving and resolves once it prints where its console listens. */
  start(): Promise<void> {
    const child = spawn(process.execPath, [cliPath, 'serve', '--dir', this.dir], {
      env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', ...this.env },
    });
    this.#child = child;
    ServedNode.running.add(this);
    child.once('exit', () => ServedNode.running.delete(this));
    onText(child.stderr!, (t) => (this.log += t));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${this.log}`)), 20_000);
      onText(child.stdout!, (t) => {
        out += t;
        if (/console\s+http/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited ${code}:\n${out}\n${this.log}`));
      });
    });
  }

  /** SIGTERM (graceful) or SIGKILL, and wait for the process to end. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

export interface Party {
  party: string;
  name: string;
  dir: string;
  node: ServedNode;
  /**
   * The environment of this party's node and of every CLI call on its data
   * directory (e.g. its database); pass it to ok/cli/status. initParties sets it.
   */
  env?: NodeJS.ProcessEnv;
}

/** One environment for every party, or one per party (e.g. each its own PostgreSQL schema). */
export type PartyEnv = NodeJS.ProcessEnv | ((party: string) => NodeJS.ProcessEnv);

/** Initialises parties in `root` with free ports and pins every card at every other party. */
export async function initParties(
  root: string,
  parties: string[],
  env: PartyEnv = {},
  // What a party's card lists as its link endpoints, given its link port (`parley init`'s default if undefined).
  endpoints: (party: string, linkPort: number) => string[] | undefined = () => undefined,
): Promise<Party[]> {
  const out: Party[] = [];
  for (const party of parties) {
    const dir = join(root, party);
    const partyEnv = typeof env === 'function' ? env(party) : env;
    const [link, consolePort] = [await freePort(), await freePort()];
    const listed = endpoints(party, link) ?? [];
    await ok(
      [
        'init',
        '--dir',
        dir,
        '--party',
        party,
        '--name',
        `Party ${party}`,
        '--link-port',
        String(link),
        '--console-port',
        String(consolePort),
        ...listed.flatMap((e) => ['--endpoint', e]),
      ],
      partyEnv,
    );
    out.push({ party, name: `Party ${party}`, dir, node: new ServedNode(dir, partyEnv), env: partyEnv });
  }
  for (const p of out) {
    const card = await ok(['peer', 'card', '--dir', p.dir], p.env);
    const file = join(root, `${p.party}.card.json`);
    writeFileSync(file, card);
    for (const q of out) if (q !== p) await ok(['peer', 'add', '--dir', q.dir, file], q.env);
  }
  return out;
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  ms = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${servedLogs()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The tail of what each node serving now logged (warnings and worse): why a wait timed out. */
function servedLogs(): string {
  return [...ServedNode.running]
    .map((n) => `\n--- log of the node serving ${n.dir} (last 4,000 characters):\n${n.log.slice(-4000) || '(nothing)'}`)
    .join('');
}

/**
 * `parley channel accept` at `party` once the offer has reached it: polls the
 * CLI, and on timeout says what the last try printed and what the nodes logged.
 */
export async function acceptOffer(party: Party, channel: string, ms = 20_000): Promise<void> {
  await eventually(
    async () => {
      const r = await cli(['channel', 'accept', '--dir', party.dir, channel], party.env);
      if (r.code !== 0) throw new Error(`parley channel accept exited ${r.code}: ${r.stderr.trim()}`);
      return true;
    },
    ms,
    `the offer of ${channel} at ${party.party}`,
  );
}

/** What `parley status --json` prints. */
export interface StatusJson {
  party: string;
  channels: Array<{ id: string; state: string; members: string[]; signed: string[]; heads: Record<string, number> }>;
  peers: Array<{
    party: string;
    link: {
      state: string;
      /** The endpoint in use now. */
      endpoint: string;
      endpoints: Array<{ url: string; state: string; failures: number; lastContact: string | null }>;
    } | null;
    unacknowledged: Record<string, number>;
  }>;
  alarms: Array<{ kind: string; message: string }>;
  forks: number;
}

/** `parley status --json` of a data directory. */
export async function status(dir: string, env: NodeJS.ProcessEnv = {}): Promise<StatusJson> {
  return JSON.parse(await ok(['status', '--dir', dir, '--json'], env)) as StatusJson;
}

/**
 * Runs an operation on the `parley serve` of `dir` through its control API,
 * exactly as the CLI does when a server runs (same operation, same JSON), but
 * without spawning a process: cheap enough to poll. Fails when none serves.
 */
export async function control<T = unknown>(dir: string, op: string, args: Record<string, unknown> = {}): Promise<T> {
  const { console: base } = JSON.parse(readFileSync(join(dir, 'serve.json'), 'utf8')) as { console: string };
  const token = readFileSync(join(dir, 'control.token'), 'utf8').trim();
  const res = await fetch(`${base}/control/v1/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`control ${op} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** The status of a serving node through its control API (what `parley status --json` prints), for polling. */
export function liveStatus(dir: string): Promise<StatusJson> {
  return control<StatusJson>(dir, 'status');
}
