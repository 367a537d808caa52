import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { consistencyProof, inclusionProof, readerFromNodes, rootAt } from './proof-build.js';
import { consistencyProofNodes, inclusionProofNodes } from './proof-plan.js';
import { buildLog, flipBit, isProofError, naivePath, naiveProof, naiveRoot } from './test-util.js';
import { verifyConsistency } from './verify-consistency.js';
import { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';

const small = buildLog(64, 1);
const big = buildLog(2 ** 16, 2);
const { read } = big.log;

const sizeAndIndex = fc
  .integer({ min: 1, max: 2 ** 16 })
  .chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1)));
const sizePair = fc
  .integer({ min: 1, max: 2 ** 16 })
  .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));
const runs = { numRuns: 200 };

describe('proofs for every size up to 64', () => {
  const { log, leaves } = small;
  it('builds the RFC 6962 PATH for every leaf and verifies it', () => {
    for (let size = 1; size <= 64; size++) {
      const root = log.rootAt(size);
      for (let index = 0; index < size; index++) {
        const proof = log.inclusionProof(index, size);
        assert.deepEqual(proof, naivePath(index, leaves.slice(0, size)), `PATH(${index}, D[${size}])`);
        verifyInclusion(index, size, leaves[index]!, proof, root);
      }
    }
  });
  it('builds the RFC 6962 PROOF for every pair of sizes and verifies it', () => {
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = log.consistencyProof(size1, size2);
        assert.deepEqual(proof, naiveProof(size1, leaves.slice(0, size2)), `PROOF(${size1}, D[${size2}])`);
        verifyConsistency(size1, size2, proof, log.rootAt(size1), log.rootAt(size2));
      }
    }
  });
  it('accepts the empty tree only against itself', () => {
    verifyConsistency(0, 0, log.consistencyProof(0, 0), log.rootAt(0), log.rootAt(0));
    assert.throws(() => log.consistencyProof(0, 5), isProofError);
    assert.throws(() => verifyConsistency(0, 5, [], log.rootAt(0), log.rootAt(5)), isProofError);
  });
});

describe('proofs on a tree of 65536 leaves (properties)', () => {
  it('match the naive RFC 6962 definitions at random sizes (few runs: each is O(n))', () => {
    const { leaves } = big;
    fc.assert(
      fc.property(sizeAndIndex, sizePair, ([size, index], [size1, size2]) => {
        assert.deepEqual(rootAt(size, read), naiveRoot(leaves, 0, size));
        assert.deepEqual(inclusionProof(index, size, read), naivePath(index, leaves, 0, size));
        assert.deepEqual(consistencyProof(size1, size2, read), naiveProof(size1, leaves, 0, size2));
      }),
      { numRuns: 6 },
    );
  });

  it('verify, and lead back to the root at that size', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = inclusionProof(index, size, read);
        assert.deepEqual(rootFromInclusionProof(index, size, big.leaves[index]!, proof), rootAt(size, read));
      }),
      runs,
    );
    fc.assert(
      fc.property(sizePair, ([size1, size2]) => {
        verifyConsistency(size1, size2, consistencyProof(size1, size2, read), rootAt(size1, read), rootAt(size2, read));
      }),
      runs,
    );
  });

  it('need only the nodes the plan names, O(log n) of them', () => {
    fc.assert(
      fc.property(sizeAndIndex, sizePair, ([size, index], [size1, size2]) => {
        const inclusionNodes = inclusionProofNodes(index, size);
        const consistencyNodes = consistencyProofNodes(size1, size2);
        assert.ok(inclusionNodes.length <= 2 * 17 && consistencyNodes.length <= 2 * 17);
        const load = (nodes: typeof inclusionNodes) =>
          readerFromNodes(nodes.map((n) => ({ ...n, hash: read(n.level, n.index) })));
        assert.deepEqual(inclusionProof(index, size, load(inclusionNodes)), inclusionProof(index, size, read));
        assert.deepEqual(consistencyProof(size1, size2, load(consistencyNodes)), consistencyProof(size1, size2, read));
      }),
      runs,
    );
  });
});

describe('tampered proofs fail (properties)', () => {
  const inclusion = (index: number, size: number) => ({
    proof: inclusionProof(index, size, read),
    root: rootAt(size, read),
  });
  const fails = (verify: () => void) => assert.throws(verify, isProofError);

  it('any flipped bit in the proof, leaf or root', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), ([size, index], pick, bit) => {
        const { proof, root } = inclusion(index, size);
        const leaf = big.leaves[index]!;
        if (proof.length > 0) {
          const bad = proof.map((h, i) => (i === pick % proof.length ? flipBit(h, bit) : h));
          fails(() => verifyInclusion(index, size, leaf, bad, root));
        }
        fails(() => verifyInclusion(index, size, flipBit(leaf, bit), proof, root));
        fails(() => verifyInclusion(index, size, leaf, proof, flipBit(root, bit)));
      }),
      runs,
    );
  });

  it('another leaf index, or another size with its own root', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(2 ** 16), fc.nat(2 ** 16), ([size, index], otherIndex, otherSize) => {
        const { proof, root } = inclusion(index, size);
        const leaf = big.leaves[index]!;
        if (otherIndex !== index) fails(() => verifyInclusion(otherIndex, size, leaf, proof, root));
        if (otherSize !== size && otherSize > index) {
          fails(() => verifyInclusion(index, otherSize, leaf, proof, rootAt(otherSize, read)));
        }
      }),
      runs,
    );
  });

  it('consistency with a flipped bit, a dropped or added hash, or other sizes', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), fc.nat(255), fc.nat(2 ** 16), ([m, n], pick, bit, other) => {
        const proof = consistencyProof(m, n, read);
        const [root1, root2] = [rootAt(m, read), rootAt(n, read)];
        const verify =
          (p: Uint8Array[], s1 = m, s2 = n, r1 = root1, r2 = root2) =>
          () =>
            verifyConsistency(s1, s2, p, r1, r2);
        if (m === n) return fails(verify([root1]));
        fails(verify(proof.map((h, i) => (i === pick % proof.length ? flipBit(h, bit) : h))));
        fails(verify(proof, m, n, flipBit(root1, bit)));
        fails(verify(proof, m, n, root1, flipBit(root2, bit)));
        fails(verify(proof.slice(1)));
        fails(verify([...proof, root1]));
        if (other !== m && other >= 1 && other <= n) fails(verify(proof, other, n, rootAt(other, read)));
        if (other !== n && other >= m) fails(verify(proof, m, other, root1, rootAt(other, read)));
      }),
      runs,
    );
  });
});

describe('what a proof does not bind', () => {
  it('binds the tree size only through the root, as RFC 9162 does', () => {
    // Leaf 0's path has the same shape in trees of 5 to 8 leaves, so a proof
    // for 8 also "verifies" for 5 against the root of 8. Callers must take the
    // size and the root from the same signed checkpoint.
    const proof = inclusionProof(0, 8, read);
    verifyInclusion(0, 5, big.leaves[0]!, proof, rootAt(8, read));
    assert.throws(() => verifyInclusion(0, 5, big.leaves[0]!, proof, rootAt(5, read)), isProofError);
  });
});

describe('bad arguments', () => {
  const leaf = big.leaves[0]!;
  const root = rootAt(1, read);
  it('refuses indexes and sizes that are not safe integers ≥ 0, or an index past the size', () => {
    for (const [index, size] of [
      [-1, 4],
      [0.5, 4],
      [0, Number.NaN],
      [4, 4],
      [0, 2 ** 53],
      [0, 0],
    ]) {
      assert.throws(() => verifyInclusion(index!, size!, leaf, [], root), isProofError);
      assert.throws(() => inclusionProofNodes(index!, size!), isProofError);
    }
    assert.throws(() => consistencyProofNodes(5, 4), isProofError);
    assert.throws(() => verifyConsistency(-1, 4, [], root, root), isProofError);
  });
  it('refuses proofs that are not arrays of 32-byte hashes', () => {
    const bad = [null, 'x', [leaf.subarray(1)], [new Array(32).fill(0)]] as unknown as Uint8Array[][];
    for (const proof of bad) assert.throws(() => verifyInclusion(0, 2, leaf, proof, root), isProofError);
    assert.throws(() => verifyConsistency(1, 1, null as unknown as Uint8Array[], root, root), isProofError);
    assert.throws(() => verifyConsistency(1, 1, [], root, null as unknown as Uint8Array), isProofError);
  });
  it('refuses proofs for sizes the log has not reached', () => {
    assert.throws(() => small.log.inclusionProof(0, 65), isProofError);
    assert.throws(() => small.log.consistencyProof(1, 65), isProofError);
  });
});
