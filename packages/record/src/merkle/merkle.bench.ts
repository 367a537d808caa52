// Merkle benchmarks for `npm run bench:record`: append rate into the
// in-memory store, and the cost of one proof (generate + verify) at 10^6 leaves.
import * as nodeCrypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MemoryMerkleLog } from './memory-log.js';
import { verifyConsistency } from './verify-consistency.js';
import { verifyInclusion } from './verify-inclusion.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The same measure for the floor we compare against, measured in the same run. */
  baseline?: number;
  target?: string;
}

const LEAVES = 1_000_000;
const PROOFS = 2_000;

function seconds(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

/** Raw node:crypto SHA-256 at 2 hashes per leaf (a 33-byte leaf, a 65-byte node), in leaves/s. */
function rawHashRate(count: number): number {
  const [leaf, node] = [new Uint8Array(33), new Uint8Array(65)];
  const sha256 =
    typeof nodeCrypto.hash === 'function'
      ? (bytes: Uint8Array) => nodeCrypto.hash('sha256', bytes, 'buffer')
      : (bytes: Uint8Array) => nodeCrypto.createHash('sha256').update(bytes).digest();
  return (
    count /
    seconds(() => {
      for (let i = 0; i < count; i++) {
        leaf[1] = i;
        node[1] = sha256(leaf)[0]!;
        sha256(node);
      }
    })
  );
}

function fillLog(ids: Buffer): { log: MemoryMerkleLog; rate: number } {
  const log = new MemoryMerkleLog();
  const time = seconds(() => {
    for (let i = 0; i < LEAVES; i++) log.append(ids.subarray(i * 32, (i + 1) * 32));
  });
  return { log, rate: LEAVES / time };
}

/** Mean milliseconds of `run` over `inputs`, after a warm-up pass over a few of them. */
function meanMs<T>(inputs: readonly T[], run: (input: T) => void): number {
  for (const input of inputs.slice(0, 100)) run(input);
  return (seconds(() => inputs.forEach(run)) * 1000) / inputs.length;
}

const randomIndexes = (count: number, below: number) =>
  Array.from({ length: count }, () => nodeCrypto.randomInt(below));

export async function benchMerkle(): Promise<BenchResult[]> {
  const ids = nodeCrypto.randomBytes(32 * LEAVES);
  rawHashRate(LEAVES / 20); // warm-up
  const baseline = rawHashRate(LEAVES);
  const { log, rate } = fillLog(ids);
  const root = log.root();
  const inclusions = randomIndexes(PROOFS, LEAVES).map((index) => ({ index, leaf: log.read(0, index) }));
  const consistencies = randomIndexes(PROOFS, LEAVES).map((i) => ({ size1: i + 1, root1: log.rootAt(i + 1) }));
  const inclusionMs = meanMs(inclusions, ({ index, leaf }) =>
    verifyInclusion(index, LEAVES, leaf, log.inclusionProof(index), root),
  );
  const consistencyMs = meanMs(consistencies, ({ size1, root1 }) =>
    verifyConsistency(size1, LEAVES, log.consistencyProof(size1), root1, root),
  );
  return [
    { name: 'merkle append, 1M leaves, in memory', value: rate, unit: 'leaves/s', baseline, target: '≥ 200000' },
    { name: 'merkle inclusion proof at 1M, generate + verify', value: inclusionMs, unit: 'ms', target: '< 1' },
    { name: 'merkle consistency proof to 1M, generate + verify', value: consistencyMs, unit: 'ms', target: '< 1' },
  ];
}
