import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorCode, isParleyError } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import { checkEntryForm } from '../entry/check.js';
import { entryId } from '../entry/entry.js';
import type { JsonValue } from '../jcs/parse.js';
import { KeyHistory } from '../keys/key-history.js';
import { signRotation } from '../keys/key-rotate.js';
import { channel, clone, keysFor, makeFeed, sign, signerFor, t0 } from '../test-util/factory.js';
import { FeedVerifier } from './feed-verifier.js';
import { ForkError, verifyForkProof } from './fork.js';

const members = ['us-js', 'cn-jsd'];
const verifier = (over: Partial<ConstructorParameters<typeof FeedVerifier>[0]> = {}) =>
  new FeedVerifier({ channel, author: 'us-js', keys: keysFor(...members), members, ...over });
// biome-ignore lint/suspicious/noExplicitAny: tampering means writing fields of any shape
type Mutable = any;
const code = (c: ErrorCode) => (e: unknown) => isParleyError(e, c);

describe('FeedVerifier', () => {
  it('accepts a valid feed and tracks its head', () => {
    const feed = makeFeed(5);
    const v = verifier();
    for (const e of feed) assert.equal(v.verify(clone(e)).id, e.id);
    assert.deepEqual(v.head, { seq: 5, id: feed[4]!.id, time: feed[4]!.header.time });
  });

  it('takes the forms a caller checked before, and judges the rest of each entry itself', () => {
    const feed = makeFeed(2);
    const forms = new Map(feed.map((e) => [e, checkEntryForm(clone(e))]));
    const handed: unknown[] = [];
    const v = verifier({
      form: (input) => {
        handed.push(input);
        return forms.get(input as (typeof feed)[number])!;
      },
    });
    assert.equal(v.verify(feed[0]).id, feed[0]!.id);
    assert.deepEqual(handed, [feed[0]]);
    // A form handed over with a signature that does not hold is still refused.
    const forged = { ...forms.get(feed[1]!)!, sig: forms.get(feed[0]!)!.sig };
    forms.set(feed[1]!, forged);
    assert.throws(() => v.verify(feed[1]), code('PARLEY_E_BAD_SIGNATURE'));
  });

  it('derives the id from the header, never from what it is told', () => {
    const [e] = makeFeed(1);
    assert.equal(verifier().verify(e).id, entryId(e!.header));
  });

  it('refuses a forged signature', () => {
    const [e] = makeFeed(1);
    const forged = clone(e!);
    forged.sig = toBase64url(signerFor('cn-jsd').sign(new Uint8Array(10)));
    assert.throws(() => verifier().verify(forged), code('PARLEY_E_BAD_SIGNATURE'));
  });

  it("refuses a key that is not the author's at that seq", () => {
    const [e] = makeFeed(1, { signer: signerFor('us-js', 9) });
    assert.throws(() => verifier().verify(e), code('PARLEY_E_KEY_NOT_VALID'));
  });

  it('refuses a gap, naming the head to resume from', () => {
    const feed = makeFeed(3);
    const v = verifier();
    v.verify(feed[0]);
    assert.throws(
      () => v.verify(feed[2]),
      (e) => isParleyError(e, 'PARLEY_E_GAP') && e.details.head === 1 && e.details.expected === 2,
    );
  });

  it('refuses a prev that does not name the previous entry', () => {
    const signer = signerFor('us-js');
    const [first] = makeFeed(1);
    const bad = sign(
      {
        channel,
        author: 'us-js',
        seq: 2,
        prev: makeFeed(2)[1]!.id,
        time: new Date(t0 + 5000).toISOString(),
        type: 'receipt',
        body: {},
      },
      signer,
    );
    const v = verifier();
    v.verify(first);
    assert.throws(() => v.verify(bad), code('PARLEY_E_PREV_MISMATCH'));
  });

  it('refuses time going backwards', () => {
    const signer = signerFor('us-js');
    const [first] = makeFeed(1);
    const back = sign(
      {
        channel,
        author: 'us-js',
        seq: 2,
        prev: first!.id,
        time: new Date(t0).toISOString(),
        type: 'receipt',
        body: {},
      },
      signer,
    );
    const v = verifier();
    v.verify(first);
    assert.throws(() => v.verify(back), code('PARLEY_E_TIME_REGRESSION'));
  });

  it('flags, and still takes, an entry ahead of the clock by more than the allowance', () => {
    const [e] = makeFeed(1);
    const now = () => t0 - 3_600_000;
    const accepted = verifier({ skewAllowanceMs: 300_000, now }).verify(e);
    assert.equal(accepted.flags[0]?.code, 'PARLEY_E_FUTURE_TIME');
    assert.equal(verifier({ skewAllowanceMs: 300_000, now: () => t0 + 1000 }).verify(e).flags.length, 0);
  });

  it('refuses a wrong channel, a non-member author and heads naming strangers', () => {
    const [e] = makeFeed(1);
    assert.throws(() => verifier({ channel: entryId(e!.header) }).verify(e), code('PARLEY_E_WRONG_CHANNEL'));
    const [stranger] = makeFeed(1, { author: 'xx-spy' });
    assert.throws(() => verifier({ author: 'xx-spy' }).verify(stranger), code('PARLEY_E_UNKNOWN_AUTHOR'));
    const heads = sign(
      {
        channel,
        author: 'us-js',
        seq: 1,
        prev: null,
        time: new Date(t0).toISOString(),
        type: 'receipt',
        heads: { 'xx-spy': { seq: 1, id: e!.id } },
        body: {},
      },
      signerFor('us-js'),
    );
    assert.throws(() => verifier().verify(heads), code('PARLEY_E_HEADER'));
  });

  it('refuses a missing body on the link, a changed body, and a body failing its schema', () => {
    const [e] = makeFeed(1);
    const { body: _omit, ...headerOnly } = clone(e!);
    assert.throws(() => verifier().verify(headerOnly), code('PARLEY_E_BODY_MISSING'));
    assert.equal(verifier({ requireBodies: false }).verify(headerOnly).bodyText, undefined);
    assert.throws(() => verifier().verify({ ...clone(e!), body: { note: 'changed' } }), code('PARLEY_E_BODY_HASH'));
    const badSchema = sign(
      {
        channel,
        author: 'us-js',
        seq: 1,
        prev: null,
        time: new Date(t0).toISOString(),
        type: 'message',
        body: { nonsense: true },
      },
      signerFor('us-js'),
    );
    assert.throws(() => verifier().verify(badSchema), code('PARLEY_E_SCHEMA'));
  });

  it('refuses malformed headers and extra members', () => {
    const [e] = makeFeed(1);
    for (const mutate of [
      (x: Mutable) => {
        x.header.extra = 1;
      },
      (x: Mutable) => {
        x.header.v = 2;
      },
      (x: Mutable) => {
        x.header.seq = 0;
      },
      (x: Mutable) => {
        x.header.time = '2023-12-21T13:05:00Z';
      },
      (x: Mutable) => {
        delete x.header.refs;
      },
      (x: Mutable) => {
        x.extra = 1;
      },
    ]) {
      const bad = clone(e!);
      mutate(bad);
      assert.throws(() => verifier().verify(bad), code('PARLEY_E_HEADER'));
    }
    assert.throws(() => verifier().verify({ ...clone(e!), sig: 'AAAA' }), code('PARLEY_E_ENCODING'));
    assert.throws(() => verifier().verify({ ...clone(e!), sig: 42 }), code('PARLEY_E_ENCODING'));
  });

  it('treats a resent entry as a no-op', () => {
    const feed = makeFeed(2);
    const v = verifier();
    v.verify(feed[0]);
    v.verify(feed[1]);
    assert.equal(v.verify(clone(feed[1]!)).duplicate, true);
    const stored = new Map(feed.map((e) => [e.header.seq, e]));
    const resumed = verifier({
      head: { seq: 2, id: feed[1]!.id, time: feed[1]!.header.time },
      storedEntry: (s) => stored.get(s),
    });
    assert.equal(resumed.verify(clone(feed[0]!)).duplicate, true);
  });

  it('turns a second, different entry at a held seq into a self-contained fork proof', () => {
    const honest = makeFeed(3);
    const other = makeFeed(3, {
      body: (seq) => ({ type: 'receipt', body: (seq === 2 ? { note: 'rewritten' } : {}) as JsonValue }),
    });
    const stored = new Map(honest.map((e) => [e.header.seq, e]));
    const v = verifier({ storedEntry: (s) => stored.get(s) });
    for (const e of honest) v.verify(e);
    let fork: ForkError | undefined;
    try {
      v.verify(other[1]);
    } catch (e) {
      fork = e as ForkError;
    }
    assert.ok(fork instanceof ForkError);
    assert.equal(fork.code, 'PARLEY_E_FORK');
    const finding = verifyForkProof(clone(fork.proof), keysFor(...members));
    assert.deepEqual(finding.ids, [honest[1]!.id, other[1]!.id]);
    assert.equal(v.head?.seq, 3, 'the fork is not stored as part of the feed');
  });

  it('refuses a fork proof made of one entry twice or a forged second entry', () => {
    const [a] = makeFeed(1);
    const [b] = makeFeed(1, { body: () => ({ type: 'receipt', body: { note: 'x' } }) });
    assert.throws(
      () => verifyForkProof({ format: 'parley-fork/1', channel, author: 'us-js', seq: 1, entries: [a!, a!] }),
      code('PARLEY_E_HEADER'),
    );
    const forged = { ...clone(b!), sig: a!.sig };
    assert.throws(
      () => verifyForkProof({ format: 'parley-fork/1', channel, author: 'us-js', seq: 1, entries: [a!, forged] }),
      code('PARLEY_E_BAD_SIGNATURE'),
    );
  });
});

describe('key rotation', () => {
  const old = signerFor('us-js');
  const next = signerFor('us-js', 1);
  const newKey = toBase64url(next.publicKey);

  function rotatedFeed() {
    const first = makeFeed(2, { signer: old });
    const statement = { channel, author: 'us-js', seq: 3, oldKey: toBase64url(old.publicKey), newKey };
    const rotate = sign(
      {
        channel,
        author: 'us-js',
        seq: 3,
        prev: first[1]!.id,
        time: new Date(t0 + 3000).toISOString(),
        type: 'key-rotate',
        body: { newKey, proof: signRotation(statement, next) },
      },
      old,
    );
    const after = sign(
      {
        channel,
        author: 'us-js',
        seq: 4,
        prev: rotate.id,
        time: new Date(t0 + 4000).toISOString(),
        type: 'receipt',
        body: {},
      },
      next,
    );
    return [...first, rotate, after];
  }

  it('verifies old signatures with the old key and new ones with the new key', () => {
    const keys = keysFor(...members);
    const v = verifier({ keys });
    for (const e of rotatedFeed()) v.verify(e);
    assert.equal(keys.keyAt('us-js', 3), toBase64url(old.publicKey));
    assert.equal(keys.keyAt('us-js', 4), newKey);
    // After the rotation, a fresh verifier with the resulting table checks the whole feed again.
    const again = new FeedVerifier({ channel, author: 'us-js', keys: KeyHistory.fromTable(keys.toTable()) });
    for (const e of rotatedFeed()) again.verify(e);
  });

  it('refuses the old key after the rotation', () => {
    const feed = rotatedFeed();
    const stale = sign(
      {
        channel,
        author: 'us-js',
        seq: 4,
        prev: feed[2]!.id,
        time: new Date(t0 + 4000).toISOString(),
        type: 'receipt',
        body: {},
      },
      old,
    );
    const v = verifier();
    for (const e of feed.slice(0, 3)) v.verify(e);
    assert.throws(() => v.verify(stale), code('PARLEY_E_KEY_NOT_VALID'));
  });

  it('refuses a rotation to a key whose holder did not sign it', () => {
    const first = makeFeed(2, { signer: old });
    const statement = { channel, author: 'us-js', seq: 3, oldKey: toBase64url(old.publicKey), newKey };
    const proof = signRotation({ ...statement, seq: 4 }, next);
    const rotate = sign(
      {
        channel,
        author: 'us-js',
        seq: 3,
        prev: first[1]!.id,
        time: new Date(t0 + 3000).toISOString(),
        type: 'key-rotate',
        body: { newKey, proof },
      },
      old,
    );
    const v = verifier();
    for (const e of first) v.verify(e);
    assert.throws(() => v.verify(rotate), code('PARLEY_E_KEY_HISTORY'));
  });

  it('refuses a key table that asserts a rotation the feed does not record', () => {
    const table = keysFor(...members).toTable();
    table['us-js'] = [
      { key: toBase64url(old.publicKey), fromSeq: 1, untilSeq: 1 },
      { key: newKey, fromSeq: 2, untilSeq: null },
    ];
    const v = verifier({ keys: KeyHistory.fromTable(table) });
    assert.throws(() => v.verify(makeFeed(1)[0]), code('PARLEY_E_KEY_HISTORY'));
  });

  it('refuses key tables with holes or overlaps', () => {
    const key = newKey;
    for (const ranges of [
      [],
      [{ key, fromSeq: 2, untilSeq: null }],
      [
        { key, fromSeq: 1, untilSeq: 3 },
        { key, fromSeq: 5, untilSeq: null },
      ],
      [
        { key, fromSeq: 1, untilSeq: null },
        { key, fromSeq: 2, untilSeq: null },
      ],
    ]) {
      assert.throws(() => KeyHistory.fromTable({ 'us-js': ranges }), code('PARLEY_E_KEY_HISTORY'));
    }
  });
});
