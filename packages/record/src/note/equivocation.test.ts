import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '../crypto/hash.js';
import { toBase64 } from '../encoding/base64.js';
import { MemoryMerkleLog } from '../merkle/index.js';
import { hashOf, signerFor, throwsCode } from './_util.js';
import {
  cosignCheckpoint,
  equivocationError,
  feedOrigin,
  makeEquivocationProof,
  makeVkey,
  signCheckpoint,
  verifyEquivocationProof,
} from './index.js';

const origin = feedOrigin('chan', 'us-js');
const author = signerFor('us-js');
const vkey = makeVkey(origin, author);

function logOf(labels: string[]): MemoryMerkleLog {
  const log = new MemoryMerkleLog();
  for (const label of labels) log.append(hashOf(label));
  return log;
}
const ids = (n: number, prefix = 'entry') => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);
const head = (log: MemoryMerkleLog, size = log.size) =>
  signCheckpoint({ origin, size, root: log.rootAt(size) }, author);

// The honest feed and a rewritten one that shares its first 3 entries.
const honest = logOf(ids(11));
const rewritten = logOf([...ids(3), ...ids(4, 'rewritten')]);

describe('equivocation proofs', () => {
  it('proves two roots for one size', () => {
    const proof = makeEquivocationProof(head(honest, 7), head(rewritten, 7), vkey);
    const proven = verifyEquivocationProof(JSON.parse(JSON.stringify(proof)), vkey);
    assert.equal(proven.kind, 'same-size');
    assert.equal(proven.origin, origin);
    assert.equal(equivocationError(proven).code, 'PARLEY_E_EQUIVOCATION');
  });

  it('proves that a larger tree does not extend a smaller one', () => {
    const small = head(rewritten, 7);
    const large = head(honest, 11);
    const evidence = { prefixRoot: honest.rootAt(7), consistency: honest.consistencyProof(7, 11) };
    for (const [a, b] of [
      [small, large],
      [large, small],
    ] as const) {
      const proof = makeEquivocationProof(a, b, vkey, evidence);
      assert.deepEqual(proof.checkpoints, [small, large]);
      const proven = verifyEquivocationProof(JSON.parse(JSON.stringify(proof)), vkey);
      assert.equal(proven.kind, 'not-a-prefix');
      assert.deepEqual([proven.first.size, proven.second.size], [7, 11]);
    }
  });

  it('proves that a size-0 checkpoint with a wrong root heads no log', () => {
    const bogus = signCheckpoint({ origin, size: 0, root: hashOf('not empty') }, author);
    const proof = makeEquivocationProof(bogus, head(honest), vkey, { prefixRoot: sha256(), consistency: [] });
    assert.equal(verifyEquivocationProof(proof, vkey).kind, 'not-a-prefix');
  });

  it('still holds when the checkpoints carry cosignatures', () => {
    const cosigned = cosignCheckpoint(head(rewritten, 7), signerFor('cn-jsd'), 'parley/chan/cn-jsd', 1);
    verifyEquivocationProof(makeEquivocationProof(cosigned, head(honest, 7), vkey), vkey);
  });

  it('cannot be made from an honest pair', () => {
    const [c7, c11] = [head(honest, 7), head(honest, 11)];
    const real = honest.consistencyProof(7, 11);
    throwsCode(() => makeEquivocationProof(c7, c7, vkey), 'PARLEY_E_NOTE', 'agree');
    throwsCode(() => makeEquivocationProof(c7, c11, vkey), 'PARLEY_E_NOTE', 'need prefixRoot');
    throwsCode(
      () => makeEquivocationProof(c7, c11, vkey, { prefixRoot: honest.rootAt(7), consistency: real }),
      'PARLEY_E_NOTE',
      'equals the first root',
    );
    for (const prefixRoot of [rewritten.rootAt(7), honest.rootAt(6), hashOf('made up')]) {
      throwsCode(
        () => makeEquivocationProof(c7, c11, vkey, { prefixRoot, consistency: real }),
        'PARLEY_E_MERKLE_PROOF',
      );
    }
    const forgedPath = real.map((h, i) => (i === 0 ? hashOf('forged') : h));
    throwsCode(
      () => makeEquivocationProof(c7, c11, vkey, { prefixRoot: hashOf('made up'), consistency: forgedPath }),
      'PARLEY_E_MERKLE_PROOF',
    );
    // Re-signing the same head later (extensions aside) is not equivocation either.
    const again = signCheckpoint({ origin, size: 7, root: honest.rootAt(7), extensions: ['later'] }, author);
    throwsCode(() => makeEquivocationProof(c7, again, vkey), 'PARLEY_E_NOTE', 'agree');
  });

  it('needs both checkpoints signed by the key, of one origin', () => {
    const stranger = signerFor('stranger');
    const theirs = signCheckpoint({ origin, size: 7, root: rewritten.rootAt(7) }, stranger);
    throwsCode(() => makeEquivocationProof(head(honest, 7), theirs, vkey), 'PARLEY_E_NOTE_SIGNATURE');
    const otherFeed = signCheckpoint(
      { origin: feedOrigin('other', 'us-js'), size: 7, root: rewritten.rootAt(7) },
      author,
      origin,
    );
    throwsCode(() => makeEquivocationProof(head(honest, 7), otherFeed, vkey), 'PARLEY_E_NOTE', 'origin');
  });

  describe('refuses malformed proof objects', () => {
    const good = makeEquivocationProof(head(honest, 7), head(rewritten, 7), vkey);
    const pair = { format: good.format, checkpoints: [head(rewritten, 7), head(honest)] };
    const prefixRoot = toBase64(honest.rootAt(7));
    const consistency = honest.consistencyProof(7, 11).map(toBase64);
    const bad: [string, unknown, string][] = [
      ['null', null, 'not an object'],
      ['an array', [good.checkpoints], 'not an object'],
      ['a wrong format', { ...good, format: 'parley-equivocation/2' }, 'format'],
      ['an extra field', { ...good, note: 'x' }, 'unknown field'],
      ['one checkpoint', { ...good, checkpoints: [good.checkpoints[0]] }, 'two note strings'],
      ['a non-string checkpoint', { ...good, checkpoints: [good.checkpoints[0], 7] }, 'two note strings'],
      ['evidence on equal sizes', { ...good, prefixRoot, consistency }, 'no Merkle evidence'],
      [
        'sizes out of order',
        { ...pair, checkpoints: [head(honest), head(rewritten, 7)], prefixRoot, consistency },
        'smaller size first',
      ],
      ['a short prefixRoot', { ...pair, prefixRoot: 'AAAA', consistency }, 'prefixRoot is not 32 bytes'],
      ['a bad consistency hash', { ...pair, prefixRoot, consistency: ['AAAA'] }, 'consistency\\[0\\]'],
      ['a huge consistency list', { ...pair, prefixRoot, consistency: Array(500).fill(prefixRoot) }, 'at most 128'],
      ['a non-string prefixRoot', { ...pair, prefixRoot: 7, consistency }, 'prefixRoot must be a string'],
    ];
    for (const [label, proof, reason] of bad) {
      it(`refuses ${label}`, () => throwsCode(() => verifyEquivocationProof(proof, vkey), 'PARLEY_E_NOTE', reason));
    }
  });
});
