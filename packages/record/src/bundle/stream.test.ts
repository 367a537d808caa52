import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorCode, isParleyError } from '@parley/contract';
import fc from 'fast-check';
import { clone } from '../test-util/factory.js';
import { TestRecord } from '../test-util/record.js';
import { checkpointBound, unansweredBundle, unansweredCase } from './_util.js';
import { BundleSplitter } from './splitter.js';
import { verifyBundleStream } from './stream.js';
import { verifyBundle } from './verify.js';

/** Feeds `text` in chunks of the given sizes, cycling. */
function chunked(text: string, sizes: number[]): () => AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  return async function* () {
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = sizes[i % sizes.length]!;
      yield bytes.subarray(at, at + n);
      at += n;
    }
  };
}

const rejects = async (text: string, code: ErrorCode) =>
  assert.rejects(verifyBundleStream(chunked(text, [7])), (e) => isParleyError(e, code));

describe('streaming verification', () => {
  const c = unansweredCase({ afterDeadline: false });
  const { note, proof } = checkpointBound(c.rec, 'cn-jsd', 'us-js', Date.parse(c.deadline) / 1000 + 60);
  const { bundle } = unansweredBundle(c, { checkpoints: [note], proofs: [proof] });
  const text = JSON.stringify(bundle, null, 1);

  it('gives the same report as in-memory verification, whatever the chunking', async () => {
    const expected = verifyBundle(JSON.parse(text));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        assert.deepEqual(await verifyBundleStream(chunked(text, sizes)), expected);
      }),
      { numRuns: 40 },
    );
  });

  it('reads members in any order, entries first or last', async () => {
    const { entries, ...meta } = clone(bundle);
    const first = JSON.stringify({ entries, ...meta });
    const last = JSON.stringify({ ...meta, entries });
    assert.deepEqual(await verifyBundleStream(chunked(first, [100])), await verifyBundleStream(chunked(last, [100])));
  });

  it('falls back to sorting when entries are not in seq order per author', async () => {
    const reversed = JSON.stringify({ ...clone(bundle), entries: clone(bundle.entries).reverse() });
    assert.equal((await verifyBundleStream(chunked(reversed, [512]))).claims.length, 2);
  });

  it("keeps the strict parser's refusals: duplicate keys inside entries and at the top", async () => {
    const dupInEntry = text.replace('"header": {', '"header": {\n  "v": 1,');
    await rejects(dupInEntry, 'PARLEY_E_JSON_DUPLICATE_KEY');
    await rejects(text.replace(/^\{/, '{"keys": {},'), 'PARLEY_E_JSON_DUPLICATE_KEY');
  });

  it('refuses truncated and trailing data, and bundles without entries', async () => {
    await rejects(text.slice(0, text.length - 10), 'PARLEY_E_JSON_SYNTAX');
    await rejects(`${text} {}`, 'PARLEY_E_JSON_SYNTAX');
    await rejects('[]', 'PARLEY_E_JSON_SYNTAX');
    await rejects(JSON.stringify({ format: 'parley-evidence/1', keys: {} }), 'PARLEY_E_BUNDLE_FORMAT');
    await rejects(JSON.stringify({ format: 'parley-evidence/1', keys: {}, entries: {} }), 'PARLEY_E_JSON_SYNTAX');
  });

  it('refuses an element larger than any entry can be', () => {
    const splitter = new BundleSplitter('entries', { entry: () => {} });
    splitter.push(Buffer.from('{"entries":["'));
    assert.throws(
      () => splitter.push(Buffer.alloc(600 * 1024, 0x61)),
      (e) => isParleyError(e, 'PARLEY_E_OVERSIZE'),
    );
  });

  it('splits strings holding brackets, quotes and escapes correctly', () => {
    const rec = new TestRecord();
    rec.message('us-js', 'tricky ] } [ { \\" , "');
    const seen: unknown[] = [];
    const splitter = new BundleSplitter('entries', { entry: (b) => seen.push(JSON.parse(Buffer.from(b).toString())) });
    for (const byte of Buffer.from(JSON.stringify({ format: 'x', entries: rec.all(), z: [1, { a: '}' }] })))
      splitter.push(Uint8Array.of(byte));
    splitter.end();
    assert.deepEqual(seen, JSON.parse(JSON.stringify(rec.all())));
  });
});
