import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { catalogue, isParleyError, ParleyError } from '@parley/contract';
import { type EvidenceReport, verifyBundleStream } from '@parley/record';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { Progress } from '../progress.js';

export const verifyHelp = `parley verify FILE [--json] [--quiet]

Verifies an evidence bundle offline: no network, no database. Prints what is
proven and exits 0 only if everything in the bundle verifies; otherwise prints
the error code, the entry at fault, its cause and fix, and exits 1.

  --json    print one JSON object: { ok, report | error, stats }
  --quiet   print nothing but the verdict line`;

/** `parley verify FILE`: streams the bundle twice (meta, then entries), so any size fits in memory. */
export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, quiet: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new ParleyError('PARLEY_E_USAGE', { reason: 'usage: parley verify FILE' });
  const file = positionals[0]!;
  const size = await stat(file).then(
    (s) => s.size,
    (e: NodeJS.ErrnoException) => {
      throw new ParleyError('PARLEY_E_IO', { op: 'read', path: file, reason: e.code ?? e.message });
    },
  );
  const started = performance.now();
  const progress = new Progress(size * 2, io.interactive && !values.json && !values.quiet);
  let entries = 0;
  const stats = () => ({
    entries,
    bytes: size,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  try {
    const report = await verifyBundleStream(() => createReadStream(file, { highWaterMark: 1 << 20 }), {
      onProgress: (pass, bytes, count) => {
        entries = count;
        progress.update(
          pass === 1 ? 'reading' : 'verifying',
          (pass - 1) * size + bytes,
          pass === 2 ? `${count.toLocaleString('en')} entries` : '',
        );
      },
    });
    progress.done();
    entries = report.feeds.reduce((n, f) => n + f.entries, 0);
    if (values.json) io.out(JSON.stringify({ ok: true, report, stats: stats() }));
    else printReport(report, io, values.quiet === true, stats());
    return exitCodes.ok;
  } catch (error) {
    progress.done();
    if (!isParleyError(error) || error.code === 'PARLEY_E_IO') throw error;
    if (values.json) io.out(JSON.stringify({ ok: false, error: error.toJSON(), stats: stats() }));
    else printFailure(error, io);
    return exitCodes.failed;
  }
}

function printReport(
  report: EvidenceReport,
  io: Io,
  quiet: boolean,
  stats: { entries: number; seconds: number },
): void {
  if (!quiet) for (const line of report.statements) io.out(`✔ ${line}`);
  io.out(
    `VERIFIED: ${report.statements.length} statements proven (${stats.entries.toLocaleString('en')} entries, ${stats.seconds} s)`,
  );
}

function printFailure(error: ParleyError, io: Io): void {
  const { entry, author, seq } = error.details;
  io.out(`✘ ${error.code}: ${error.message}`);
  if (entry !== undefined) io.out(`  at entries[${entry}] (${author} seq ${seq})`);
  io.out(`  cause: ${catalogue[error.code].cause}`);
  io.out(`  fix: ${catalogue[error.code].fix}`);
  io.out('NOT VERIFIED');
}
