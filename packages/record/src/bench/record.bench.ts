// `npm run bench:record`: the record's speed, each figure beside a baseline
// measured in the same run (raw node:crypto for signing and verifying, raw
// SHA-256 for Merkle), ending with `verify-ratio: R` (feed verification on
// one core over raw Ed25519 verification). A report: it exits 0 even when a
// target is missed. PARLEY_BENCH_BUNDLE_ENTRIES (default 1,000,000) and
// PARLEY_BENCH_FEED_ENTRIES (default 100,000) shorten a run.
import { spawnSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { evidenceFormat } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import { type EntryDraft, entrySigningMessage, headerHash, signEntry } from '../entry/entry.js';
import { FeedVerifier } from '../feed/feed-verifier.js';
import { verifyFeedParallel } from '../feed/parallel.js';
import { canonicalize } from '../jcs/canonicalize.js';
import { KeyHistory } from '../keys/key-history.js';
import { benchMerkle } from '../merkle/merkle.bench.js';
import { TestRecord } from '../test-util/record.js';
import { printTable, type Row, type Target, verdict } from './table.js';
import { generate, parties, smallMessage, Traffic } from './traffic.js';

const cores = availableParallelism();
const envCount = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

const seconds = (run: () => void): number => {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
};

/** Interleaves `ours` and `raw` in rounds (alternating which goes first) so both see the same machine; returns seconds of each. */
function interleaved(rounds: number, ours: (round: number) => void, raw: (round: number) => void) {
  let [a, b] = [0, 0];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a += seconds(() => ours(r));
      b += seconds(() => raw(r));
    } else {
      b += seconds(() => raw(r));
      a += seconds(() => ours(r));
    }
  }
  return { ours: a, raw: b };
}

function benchSign(record: TestRecord): Row {
  const author = 'us-js';
  const signer = record.signers[author]!;
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: toBase64url(signer.seed()), x: toBase64url(signer.publicKey) };
  const privateKey = nodeCrypto.createPrivateKey({ key: jwk, format: 'jwk' });
  const [perRound, rounds] = [500, 40]; // rounds of the measured run; the warm-up reuses the first drafts
  const drafts: EntryDraft[] = Array.from({ length: perRound * rounds }, (_, i) => ({
    channel: record.id,
    author,
    seq: i + 1,
    prev: i === 0 ? null : record.id,
    time: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
    type: 'message',
    heads: { 'cn-jsd': { seq: i + 1, id: record.id } },
    body: smallMessage(i + 1),
  }));
  // The baseline signs a message as long as the one signEntry signs: the prefix and a 32-byte hash.
  const length = entrySigningMessage(headerHash(signEntry(drafts[0]!, signer).entry.header)).byteLength;
  const messages = drafts.map(() => nodeCrypto.randomBytes(length));
  const ours = (r: number) => {
    for (let i = r * perRound; i < (r + 1) * perRound; i++) signEntry(drafts[i]!, signer);
  };
  const raw = (r: number) => {
    for (let i = r * perRound; i < (r + 1) * perRound; i++) nodeCrypto.sign(null, messages[i]!, privateKey);
  };
  // Warm-up, long enough for the JIT to settle on both sides: a steady rate, not a cold start, is measured.
  interleaved(10, ours, raw);
  const time = interleaved(rounds, ours, raw);
  const total = perRound * rounds;
  return {
    name: `sign entries (signEntry; vs crypto.sign, ${length}-byte message)`,
    value: total / time.ours,
    unit: 'entries/s',
    baseline: total / time.raw,
    target: { of: 'ratio', op: '≥', limit: 0.8 },
  };
}

async function benchFeed(record: TestRecord, count: number): Promise<Row[]> {
  const author = 'us-js';
  const entries: unknown[] = [];
  const [messages, sigs]: [Buffer[], Buffer[]] = [[], []];
  await generate(
    new Traffic(record, 0),
    record,
    count,
    (who) => parties[who] === author,
    (batch) => {
      for (const { entry, hash } of batch) {
        // As received on the link: a node sends the body exactly as stored, its canonical form.
        const wire = { header: entry.header, sig: entry.sig, body: JSON.parse(canonicalize(entry.body ?? {})) };
        entries.push(JSON.parse(JSON.stringify(wire)));
        messages.push(Buffer.from(entrySigningMessage(hash)));
        sigs.push(Buffer.from(entry.sig, 'base64url'));
      }
    },
  );
  const keys = record.keys();
  const publicKey = nodeCrypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: keys[author]![0]!.key },
    format: 'jwk',
  });
  const newVerifier = () =>
    new FeedVerifier({ channel: record.id, author, keys: KeyHistory.fromTable(keys), members: parties });
  const warmUp = newVerifier();
  for (let i = 0; i < Math.min(count, 3000); i++) {
    warmUp.verify(entries[i]);
    nodeCrypto.verify(null, messages[i]!, publicKey, sigs[i]!);
  }
  const verifier = newVerifier();
  const rounds = Math.ceil(count / 500);
  const chunk = Math.ceil(count / rounds);
  const range = (r: number) => [r * chunk, Math.min(count, (r + 1) * chunk)] as const;
  let rawValid = true;
  const time = interleaved(
    rounds,
    (r) => {
      const [from, to] = range(r);
      for (let i = from; i < to; i++) verifier.verify(entries[i]);
    },
    (r) => {
      const [from, to] = range(r);
      for (let i = from; i < to; i++) rawValid = nodeCrypto.verify(null, messages[i]!, publicKey, sigs[i]!) && rawValid;
    },
  );
  if (!rawValid || verifier.head?.seq !== count) throw new Error('the benchmark feed did not verify');
  const [single, raw] = [count / time.ours, count / time.raw];
  const start = performance.now();
  const result = await verifyFeedParallel(entries, { channel: record.id, author, keys, members: parties });
  const parallel = count / ((performance.now() - start) / 1000);
  if (result.head?.seq !== count) throw new Error('the parallel verifier stopped short');
  const k = `${Math.round(count / 1000)}k`;
  return [
    {
      name: `verify ${k}-entry feed, 1 core (FeedVerifier; vs crypto.verify)`,
      value: single,
      unit: 'entries/s',
      baseline: raw,
      target: { of: 'ratio', op: '≥', limit: 0.85 },
    },
    {
      name: `verify ${k}-entry feed, ${cores} workers (verifyFeedParallel; vs 1 core)`,
      value: parallel,
      unit: 'entries/s',
      baseline: single,
      target: { of: 'ratio', op: '≥', limit: 1.6 },
    },
  ];
}

/** Writes a bundle of `count` entries to `path` as it is generated, never holding it whole. */
async function writeBundle(record: TestRecord, count: number, path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  const meta = { format: evidenceFormat, channel: record.channel, keys: record.keys() };
  await write(`${JSON.stringify(meta).slice(0, -1)},"entries":[\n`);
  let written = 0;
  const discloseEvery = Math.max(1, Math.floor(count / 10));
  await generate(
    new Traffic(record, 4),
    record,
    count,
    () => true,
    (batch) => {
      const lines = batch.map(({ entry }) => {
        const disclosed = written++ % discloseEvery === 0;
        const { header, sig, body } = entry;
        return JSON.stringify(disclosed ? { header, sig, body } : { header, sig });
      });
      return write(`${written > batch.length ? ',\n' : ''}${lines.join(',\n')}`);
    },
  );
  await write('\n]}\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function benchBundle(record: TestRecord, count: number, rawVerify: number): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  try {
    const file = join(dir, 'bundle.json');
    const start = performance.now();
    await writeBundle(record, count, file);
    const size = (await stat(file)).size / 2 ** 20;
    console.log(
      `bundle: ${count.toLocaleString('en')} entries, ${size.toFixed(0)} MB, written in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
    const cli = fileURLToPath(new URL('../../../server/dist/cli/main.js', import.meta.url));
    const run = spawnSync(process.execPath, [cli, 'verify', file, '--json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 3_600_000,
    });
    const stats = cliStats(run.stdout, count);
    if (!stats) console.log(`parley verify failed (exit ${run.status}): ${(run.stderr || run.stdout).slice(0, 600)}`);
    const name = `verify ${count.toLocaleString('en')}-entry bundle file (parley verify --json)`;
    return [
      {
        name: `${name}; vs 1-core crypto.verify`,
        value: stats?.rate ?? Number.NaN,
        unit: 'entries/s',
        baseline: rawVerify,
      },
      {
        name: `${name}, peak RSS; vs file size`,
        value: stats?.maxRssMb ?? Number.NaN,
        unit: 'MB',
        baseline: size,
        target: { of: 'value', op: '<', limit: 300 },
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The CLI's stats, if it verified every entry. */
function cliStats(stdout: string, count: number): { rate: number; maxRssMb: number } | undefined {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) return undefined;
  const out = JSON.parse(line) as { ok?: boolean; stats?: { entries: number; seconds: number; maxRssMb: number } };
  if (out.ok !== true || out.stats?.entries !== count) return undefined;
  return { rate: out.stats.entries / out.stats.seconds, maxRssMb: out.stats.maxRssMb };
}

function merkleRows(results: Awaited<ReturnType<typeof benchMerkle>>): Row[] {
  return results.map((r) => {
    const m = /^(≥|<)\s*([\d.]+)$/.exec(r.target ?? '');
    const target = m ? { of: 'value' as const, op: m[1] as Target['op'], limit: Number(m[2]) } : undefined;
    return { name: r.name, value: r.value, unit: r.unit, baseline: r.baseline, target };
  });
}

async function main(): Promise<void> {
  const record = new TestRecord(parties);
  const feedCount = envCount('PARLEY_BENCH_FEED_ENTRIES', 100_000);
  const bundleCount = envCount('PARLEY_BENCH_BUNDLE_ENTRIES', 1_000_000);
  console.log(`node ${process.version}, ${cores} cores available\n`);
  const rows = [benchSign(record)];
  rows.push(...(await benchFeed(record, feedCount)));
  rows.push(...merkleRows(await benchMerkle()));
  rows.push(...(await benchBundle(record, bundleCount, rows[1]!.baseline!)));
  console.log();
  printTable(rows);
  const misses = rows.filter((r) => verdict(r) === 'MISS').length;
  console.log(misses ? `\n${misses} target(s) MISSED` : '\nall targets met');
  console.log(`verify-ratio: ${(rows[1]!.value / rows[1]!.baseline!).toFixed(3)}`);
}

await main();
