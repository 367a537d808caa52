import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParleyError } from '@parley/contract';
import { accountsFor } from '../accounts/accounts-for.js';
import { run } from '../cli/run.js';
import { readNodeConfig } from '../config/node-config.js';
import { freePort } from '../runtime/free-port.js';
import { openNode } from '../runtime/open-node.js';
import { dataFiles } from '../runtime/paths.js';
import { type DemoRole, demoRoles, type Side } from './scenario.js';

const cliPath = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** The two parties of the demo, their names in both languages, and the prefix of their users' names. */
export const demoParties: Record<Side, { prefix: string; names: { en: string; 'zh-Hans': string } }> = {
  'us-js': { prefix: 'us', names: { en: 'Joint Staff (USA)', 'zh-Hans': '美军参谋长联席会议' } },
  'cn-jsd': {
    prefix: 'cn',
    names: { en: 'Joint Staff Department, Central Military Commission (PRC)', 'zh-Hans': '中央军委联合参谋部' },
  },
};

export const sides: readonly Side[] = ['us-js', 'cn-jsd'];

export interface Login {
  party: Side;
  user: string;
  roles: DemoRole[];
  password: string;
}

export const nodeDir = (root: string, side: Side) => join(root, side);

export const userName = (side: Side, role: DemoRole) => `${demoParties[side].prefix}-${role}`;

const quiet = { out: () => {}, err: (t: string) => process.stderr.write(`${t}\n`), interactive: false };

/** `parley init` for one side on free loopback ports, its names in English and Chinese, and one user per role. */
export async function createDemoNode(root: string, side: Side): Promise<Login[]> {
  const dir = nodeDir(root, side);
  const { names } = demoParties[side];
  const [linkPort, consolePort] = [await freePort(), await freePort()];
  const code = await run(
    [
      'init',
      '--dir',
      dir,
      '--party',
      side,
      '--name',
      names.en,
      '--link-port',
      `${linkPort}`,
      '--console-port',
      `${consolePort}`,
    ],
    quiet,
  );
  if (code !== 0) throw new ParleyError('PARLEY_E_USAGE', { reason: `could not initialise ${side} in ${dir}` });
  // Names in both languages, so the charter's languages are English and Simplified Chinese.
  const config = readNodeConfig(dir);
  writeFileSync(dataFiles(dir).config, `${JSON.stringify({ ...config, names: { ...names } }, null, 2)}\n`, {
    mode: 0o600,
  });
  readNodeConfig(dir);
  const open = await openNode(dir);
  try {
    const accounts = accountsFor(open.store, open.node.clock);
    const logins: Login[] = [];
    for (const role of demoRoles) {
      const password = randomBytes(12).toString('base64url');
      const passwordHash = await accounts.hashPassword(password);
      const user = userName(side, role);
      await accounts.transaction(async (a) => {
        await a.createUser({ name: user, roles: [role], passwordHash });
        await a.audit({
          user: null,
          action: 'users.create',
          target: user,
          address: 'cli',
          details: { via: 'parley demo' },
        });
      });
      logins.push({ party: side, user, roles: [role], password });
    }
    return logins;
  } finally {
    await open.close();
  }
}

/** A `parley serve` child process of one side, its log in `<root>/<side>.log`. */
export class DemoNode {
  readonly side: Side;
  readonly dir: string;
  readonly #logPath: string;
  #child: ChildProcess | undefined;
  #exited: Promise<number> | undefined;
  consoleUrl = '';
  linkUrl = '';

  constructor(root: string, side: Side) {
    this.side = side;
    this.dir = nodeDir(root, side);
    this.#logPath = join(root, `${side}.log`);
  }

  /** Starts serving with `env` (the scenario clock), and resolves once it listens. */
  start(env: NodeJS.ProcessEnv): Promise<void> {
    rmSync(dataFiles(this.dir).serving, { force: true });
    const child = spawn(process.execPath, ['--enable-source-maps', cliPath, 'serve', '--dir', this.dir], {
      env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C reaches the demo, which stops both nodes in order.
      detached: true,
    });
    const kill = () => child.kill('SIGTERM');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
    this.#child = child;
    const log = createWriteStream(this.#logPath, { flags: 'a' });
    child.stderr!.pipe(log);
    this.#exited = new Promise((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${this.side} did not start; see ${this.#logPath}`)), 30_000);
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (d: string) => {
        out += d;
        const consoleUrl = /^console\s+(\S+)/m.exec(out)?.[1];
        const linkUrl = /^link\s+(\S+)/m.exec(out)?.[1];
        if (consoleUrl && linkUrl && existsSync(dataFiles(this.dir).serving)) {
          clearTimeout(timer);
          this.consoleUrl = consoleUrl;
          this.linkUrl = linkUrl;
          resolve();
        }
      });
      void this.#exited!.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.side} exited ${code} while starting; see ${this.#logPath}`));
      });
    });
  }

  /** SIGTERM, and waits for the node to finish in-flight work and exit. */
  async stop(): Promise<void> {
    if (!this.#child || this.#child.exitCode !== null) return;
    this.#child.kill('SIGTERM');
    await this.#exited;
  }

  /** Resolves with the exit code when the process ends. */
  get exited(): Promise<number> {
    return this.#exited ?? Promise.resolve(0);
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null;
  }
}

export function readLogins(path: string): Login[] {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Login[]) : [];
}
