import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Ed25519Signer, verifyEd25519 } from '@parley/record';

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Mean time of one small write + fsync in `dir`, ms. */
export function fsyncMs(dir: string, n = 200): number {
  const path = join(dir, 'fsync-probe.bin');
  const fd = openSync(path, 'w');
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    writeSync(fd, Buffer.alloc(512, i));
    fsyncSync(fd);
  }
  const ms = (performance.now() - t) / n;
  closeSync(fd);
  rmSync(path);
  return ms;
}

/** Mean Ed25519 sign and verify time over a 48-byte message (an entry's signed message), ms. */
export function signVerifyMs(n = 2000): { sign: number; verify: number } {
  const signer = Ed25519Signer.generate();
  const msg = Buffer.alloc(48, 7);
  let t = performance.now();
  let sig = signer.sign(msg);
  for (let i = 0; i < n; i++) sig = signer.sign(msg);
  const sign = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) verifyEd25519(signer.publicKey, msg, sig);
  return { sign, verify: (performance.now() - t) / n };
}

/**
 * The floor's own parts measured as the FLASH rounds run: each one `gapMs`
 * after the last (a sleep), medians of `n`. On this kind of machine (a
 * virtual one, shared) the same work runs two to four times slower after a
 * pause of 10 ms than repeated at once (docs/performance.md), so the floor
 * measured back to back understates what a round spaced that way can reach.
 */
export async function spacedPartsMs(
  dir: string,
  gapMs: number,
  n = 100,
): Promise<{ fsync: number; sign: number; verify: number }> {
  const path = join(dir, 'fsync-probe-spaced.bin');
  const fd = openSync(path, 'w');
  const signer = Ed25519Signer.generate();
  const msg = Buffer.alloc(48, 7);
  const sig = signer.sign(msg);
  const times = { fsync: [] as number[], sign: [] as number[], verify: [] as number[] };
  const pause = () => new Promise((resolve) => setTimeout(resolve, gapMs));
  try {
    for (let i = 0; i < n; i++) {
      await pause();
      let t = performance.now();
      writeSync(fd, Buffer.alloc(512, i));
      fsyncSync(fd);
      times.fsync.push(performance.now() - t);
      await pause();
      t = performance.now();
      signer.sign(msg);
      times.sign.push(performance.now() - t);
      await pause();
      t = performance.now();
      verifyEd25519(signer.publicKey, msg, sig);
      times.verify.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(path);
  }
  return { fsync: percentile(times.fsync, 50), sign: percentile(times.sign, 50), verify: percentile(times.verify, 50) };
}

/** Resident set size of a process, MB (Linux /proc). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  target: string;
  pass: boolean;
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log('| figure | value | baseline (same run) | ratio | target | result |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.baseline ? (r.value / r.baseline).toFixed(2) : '';
    const base = r.baseline === undefined ? '' : `${r.baseline.toFixed(2)} ${r.unit}`;
    console.log(
      `| ${r.name} | ${r.value.toFixed(2)} ${r.unit} | ${base} | ${ratio} | ${r.target} | ${r.pass ? 'PASS' : 'MISS'} |`,
    );
  }
}
