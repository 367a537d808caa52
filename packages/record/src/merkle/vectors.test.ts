import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBase64 } from '../encoding/base64.js';
import { listVectors, readVector } from '../test-util/vectors.js';
import { hashLeaf } from './hashing.js';
import { MemoryMerkleLog } from './memory-log.js';
import { isProofError } from './test-util.js';
import { verifyConsistency } from './verify-consistency.js';
import { verifyInclusion } from './verify-inclusion.js';

interface Vector {
  readonly desc: string;
  readonly wantErr: boolean;
  readonly proof: string[] | null;
  readonly [field: string]: unknown;
}

const b64 = (text: unknown): Uint8Array => fromBase64(text as string);
const proofOf = (v: Vector): Uint8Array[] => (v.proof ?? []).map(b64);

function check(v: Vector, verify: () => void): void {
  if (v.wantErr) assert.throws(verify, isProofError);
  else assert.doesNotThrow(verify);
}

function runVectors(dir: string, verify: (v: Vector) => void): void {
  const files = listVectors(`merkle/${dir}`).filter((file) => file.endsWith('.json'));
  it('has vectors to run', () => assert.ok(files.length >= 90, `${files.length} files`));
  for (const file of files) {
    const vector = JSON.parse(readVector(file)) as Vector;
    const name = `${file.slice(`merkle/${dir}/`.length)}: ${vector.desc}`;
    it(`${vector.wantErr ? 'rejects' : 'accepts'} ${name}`, () => check(vector, () => verify(vector)));
  }
}

describe('transparency-dev inclusion vectors', () => {
  runVectors('inclusion', (v) =>
    verifyInclusion(v.leafIdx as number, v.treeSize as number, b64(v.leafHash), proofOf(v), b64(v.root)),
  );
});

describe('transparency-dev consistency vectors', () => {
  runVectors('consistency', (v) =>
    verifyConsistency(v.size1 as number, v.size2 as number, proofOf(v), b64(v.root1), b64(v.root2)),
  );
});

describe('proofs generated for the vectors’ tree', () => {
  // The RFC 6962 test tree of transparency-dev/merkle, which the happy paths use.
  const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const log = new MemoryMerkleLog();
  for (const hex of data) log.appendLeafHash(hashLeaf(Buffer.from(hex, 'hex')));
  const happy = (dir: string) => listVectors(`merkle/${dir}`).filter((file) => /\/\d\/happy-path\.json$/.test(file));

  for (const file of happy('inclusion')) {
    it(`builds the proof of ${file}`, () => {
      const v = JSON.parse(readVector(file)) as Vector;
      const [index, size] = [v.leafIdx as number, v.treeSize as number];
      assert.deepEqual(log.read(0, index), b64(v.leafHash));
      assert.deepEqual(log.rootAt(size), b64(v.root));
      assert.deepEqual(log.inclusionProof(index, size), proofOf(v));
    });
  }
  for (const file of happy('consistency')) {
    it(`builds the proof of ${file}`, () => {
      const v = JSON.parse(readVector(file)) as Vector;
      const [size1, size2] = [v.size1 as number, v.size2 as number];
      assert.deepEqual([log.rootAt(size1), log.rootAt(size2)], [b64(v.root1), b64(v.root2)]);
      assert.deepEqual(log.consistencyProof(size1, size2), proofOf(v));
    });
  }
});
