#!/usr/bin/env node
// Runs every compiled test file explicitly: Node 20's runner silently runs
// nothing when handed a folder. PARLEY_TEST_FILTER narrows by path substring.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.env.PARLEY_TEST_FILTER ?? '';
const files = readdirSync('packages')
  .flatMap((pkg) => {
    try {
      return find(join('packages', pkg, 'dist'), []);
    } catch {
      return [];
    }
  })
  .filter((file) => file.includes(filter))
  .sort();

if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
// Spec for people on stdout; TAP to a file, whose closing summary (# pass N, # fail N) is echoed last.
mkdirSync('.tmp', { recursive: true });
const tap = '.tmp/test-results.tap';
const args = [
  '--enable-source-maps',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
];
// Two files at a time on a two-core machine (Node's default there is one): most test files spend
// their time waiting on nodes, timers and the database, not on the CPU (decision 0034). At most
// four, since each file may run two or three node processes and a browser of its own.
const concurrency = process.env.PARLEY_TEST_CONCURRENCY || String(Math.min(4, Math.max(2, availableParallelism())));
args.push(`--test-concurrency=${concurrency}`);
console.log(`running ${files.length} test files, ${concurrency} at a time`);
const result = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit' });
const summary = readFileSync(tap, 'utf8')
  .split('\n')
  .filter((line) => /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(line));
console.log(summary.join('\n'));
process.exit(result.status ?? 1);
