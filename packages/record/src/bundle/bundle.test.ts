import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorCode, isParleyError } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import { clone } from '../test-util/factory.js';
import { TestRecord } from '../test-util/record.js';
import { checkpointBound, unansweredBundle, unansweredCase } from './_util.js';
import { buildBundle } from './build.js';
import { BundleChecker } from './checker.js';
import { verifyBundle } from './verify.js';

const fails = (code: ErrorCode) => (e: unknown) => isParleyError(e, code);

describe('evidence bundles', () => {
  it('accepts a bundle of only format, keys and entries, proving authenticity and chain', () => {
    const rec = new TestRecord();
    for (let i = 0; i < 3; i++) rec.message('us-js', `m${i}`);
    const report = verifyBundle({ format: 'parley-evidence/1', keys: rec.keys(), entries: clone(rec.all()) });
    assert.equal(report.channel, null);
    assert.equal(report.keysAnchored, false);
    assert.deepEqual(
      report.feeds.map((f) => [f.author, f.entries, f.disclosed]),
      [['us-js', 3, 3]],
    );
    assert.match(report.statements.join('\n'), /us-js: 3 entries authentic and chained/);
  });

  it('proves a request stored and left unanswered, with every body but the request withheld', () => {
    const { bundle, report } = unansweredBundle(unansweredCase());
    assert.ok(bundle.entries.every((e) => (e.body !== undefined) === (e.header.type === 'request')));
    assert.equal(report.keysAnchored, true);
    assert.equal(report.claims.length, 2);
    assert.match(
      report.claims[0]!.statement,
      /^cn-jsd stored us-js request seq 2 \(2023-02-04T19:00:02\.000Z\) by 2023-02-04T19:00:03\.000Z \(cn-jsd feed seq 1, receipt\)$/,
    );
    assert.match(
      report.claims[1]!.statement,
      /^cn-jsd wrote 6 entries \(seq 1–6\) between .* bounded by seq 7 .*; none refers to us-js request seq 2/,
    );
    // The proof survives a round trip through JSON, as a file would.
    assert.deepEqual(verifyBundle(JSON.parse(JSON.stringify(bundle))).claims, report.claims);
  });

  it('refuses the claim when the party did answer', () => {
    assert.throws(
      () => unansweredBundle(unansweredCase({ answer: true })),
      (e) => isParleyError(e, 'PARLEY_E_CLAIM') && /refers to the entry/.test(e.message),
    );
  });

  it('refuses the claim when an entry inside the window is left out', () => {
    const { bundle } = unansweredBundle(unansweredCase());
    const cnFourth = bundle.entries.findIndex((e) => e.header.author === 'cn-jsd' && e.header.seq === 4);
    const holed = { ...clone(bundle), entries: clone(bundle.entries).filter((_, i) => i !== cnFourth) };
    assert.throws(
      () => verifyBundle(holed),
      (e) => isParleyError(e, 'PARLEY_E_CLAIM') && /skips entries/.test(e.message),
    );
  });

  it('refuses the claim when nothing bounds the end of the window', () => {
    assert.throws(
      () => unansweredBundle(unansweredCase({ afterDeadline: false })),
      (e) => isParleyError(e, 'PARLEY_E_CLAIM') && /no later entry/.test(e.message),
    );
  });

  it('bounds a window by a checkpoint the other side cosigned after it', () => {
    const c = unansweredCase({ afterDeadline: false });
    const late = Date.parse(c.deadline) / 1000 + 60;
    const { note, proof } = checkpointBound(c.rec, 'cn-jsd', 'us-js', late);
    const { report } = unansweredBundle(c, { checkpoints: [note], proofs: [proof] });
    assert.match(
      report.claims[1]!.statement,
      /checkpoint of size 6 was cosigned by us-js at 2023-02-06T19:01:03\.000Z/,
    );
    assert.match(report.proofs.join('\n'), /cn-jsd message seq 6 .* is in checkpoint 0/);
  });

  it('does not let a checkpoint cosigned before the deadline bound the window', () => {
    const c = unansweredCase({ afterDeadline: false });
    const early = Date.parse(c.deadline) / 1000 - 60;
    const { note, proof } = checkpointBound(c.rec, 'cn-jsd', 'us-js', early);
    assert.throws(() => unansweredBundle(c, { checkpoints: [note], proofs: [proof] }), fails('PARLEY_E_CLAIM'));
  });

  it('proves checkpoints consistent and ties them to the entries they cover', () => {
    const rec = new TestRecord();
    rec.message('us-js');
    rec.message('us-js');
    const log = rec.logs.get('us-js')!;
    const first = rec.checkpoint('us-js', ['cn-jsd'], 1_675_537_300);
    rec.message('us-js');
    rec.receipt('cn-jsd');
    const second = rec.checkpoint('us-js', ['cn-jsd'], 1_675_537_400);
    const consistency = {
      type: 'consistency' as const,
      from: 0,
      to: 1,
      hashes: log.consistencyProof(2).map(toBase64url),
    };
    const { report } = buildBundle({
      channel: rec.channel,
      keys: rec.keys(),
      entries: rec.all(),
      checkpoints: [first, second],
      proofs: [consistency],
    });
    assert.equal(report.checkpoints[1]!.cosigners[0]!.party, 'cn-jsd');
    assert.match(report.proofs[0]!, /checkpoint 1 \(size 3\) extends checkpoint 0 \(size 2\)/);
  });

  it('catches a checkpoint whose root is not the root of the entries shown', () => {
    const rec = new TestRecord();
    rec.message('us-js');
    const note = rec.checkpoint('us-js', [], 1_675_537_300);
    assert.doesNotThrow(() =>
      verifyBundle({ format: 'parley-evidence/1', keys: rec.keys(), entries: clone(rec.all()), checkpoints: [note] }),
    );
    // Same channel, same key, another first entry: the author signed a root that this history does not have.
    const rewritten = new TestRecord();
    assert.equal(rewritten.id, rec.id);
    rewritten.message('us-js', 'rewritten history');
    assert.throws(
      () =>
        verifyBundle({
          format: 'parley-evidence/1',
          keys: rewritten.keys(),
          entries: clone(rewritten.all()),
          checkpoints: [note],
        }),
      fails('PARLEY_E_EQUIVOCATION'),
    );
  });

  it('names the checkpoint whose note is malformed', () => {
    const rec = new TestRecord();
    rec.message('us-js');
    const note = rec.checkpoint('us-js', [], 1_675_537_300);
    const broken = note.replace('\n\n\u2014 ', '\n\n- ');
    assert.throws(
      () =>
        verifyBundle({
          format: 'parley-evidence/1',
          keys: rec.keys(),
          entries: clone(rec.all()),
          checkpoints: [note, broken],
        }),
      (e) => isParleyError(e, 'PARLEY_E_NOTE') && /^checkpoint 1: signature line 1/.test(String(e.details.reason)),
    );
  });

  it('takes entries in any order in memory, but needs ascending seq per author to stream', () => {
    const rec = new TestRecord();
    for (let i = 0; i < 4; i++) rec.message(i % 2 ? 'us-js' : 'cn-jsd');
    const entries = clone(rec.all()).reverse();
    assert.equal(verifyBundle({ format: 'parley-evidence/1', keys: rec.keys(), entries }).feeds.length, 2);
    const checker = new BundleChecker({ format: 'parley-evidence/1', keys: rec.keys() });
    checker.entry(clone(rec.feeds.get('us-js')![1]), 0);
    assert.throws(
      () => checker.entry(clone(rec.feeds.get('us-js')![0]), 1),
      (e) => isParleyError(e, 'PARLEY_E_BUNDLE_FORMAT') && e.details.unsorted === true,
    );
  });

  it('names the entry at fault', () => {
    const rec = new TestRecord();
    rec.message('us-js');
    rec.message('us-js');
    const entries = clone(rec.all());
    entries[1]!.header.refs = [entries[0]!.header.body];
    assert.throws(
      () => verifyBundle({ format: 'parley-evidence/1', keys: rec.keys(), entries }),
      (e) => isParleyError(e, 'PARLEY_E_BAD_SIGNATURE') && e.details.entry === 1 && e.details.seq === 2,
    );
  });

  it('refuses two different entries at one seq, and heads naming another entry than the bundle holds', () => {
    const a = new TestRecord();
    a.message('us-js', 'one');
    const b = new TestRecord();
    b.message('us-js', 'two');
    const entries = [...clone(a.all()), ...clone(b.all()).map((e) => ({ ...e, header: { ...e.header } }))];
    assert.throws(
      () => verifyBundle({ format: 'parley-evidence/1', keys: a.keys(), entries }),
      fails('PARLEY_E_BUNDLE_FORMAT'),
    );
  });

  it('refuses what is not a bundle', () => {
    for (const bad of [
      null,
      [],
      'x',
      {},
      { format: 'parley-evidence/2', keys: {}, entries: [] },
      { format: 'parley-evidence/1', keys: {}, entries: [], extra: 1 },
    ]) {
      assert.throws(() => verifyBundle(bad), fails('PARLEY_E_BUNDLE_FORMAT'));
    }
  });
});
