import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Everything the XMPP benchmark started (processes, temporary directories),
 * undone in reverse order at the end, on failure and on Ctrl-C / SIGTERM.
 */
export class Cleanup {
  readonly #steps: Array<{ what: string; run: () => Promise<void> | void }> = [];
  #done: Promise<void> | undefined;

  /** Registers a step; once clean-up has begun, refuses (so nothing new starts after it). */
  add(what: string, run: () => Promise<void> | void): void {
    this.check();
    this.#steps.push({ what, run });
  }

  /** Throws once clean-up has begun (Ctrl-C): call before starting anything. */
  check(): void {
    if (this.#done) throw new Error('stopping: the benchmark was interrupted');
  }

  /** Runs every step once (later steps first); failures are printed, not thrown. */
  run(): Promise<void> {
    this.#done ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.what}: ${String(error)}`);
        }
      }
    })();
    return this.#done;
  }

  /** On SIGINT/SIGTERM: clean up, then exit 130/143. */
  onSignals(): void {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: stopping everything the benchmark started…`);
        void this.run().finally(() => process.exit(code));
      });
    }
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs a command to completion; rejects with its output unless it exits 0. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    // A command that exits without reading its input closes the pipe first
    // (EPIPE): its exit status and output say how it went.
    child.stdin.on('error', () => {});
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${out}`)),
    );
    child.stdin.end(options.input ?? '');
  });
}

const clockTicks = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return out.status === 0 && n > 0 ? n : 100;
})();

/**
 * CPU time (user + system) a process has used so far, ms (Linux /proc).
 * Unlike wall time it hardly depends on what else the machine runs.
 */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}
