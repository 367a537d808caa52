import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError, ParleyError } from '@parley/contract';
import { canonicalize, FeedVerifier, type JsonValue, sha256, toBase64url } from '@parley/record';
import {
  accept,
  channel,
  channelRow,
  headOf,
  keys,
  messageBody,
  type Signed,
  signFeed,
  signNext,
  storedAt,
  t0,
} from './_fixtures.js';
import { forEachDialect } from './_util.js';
import { SCAN_PAGE_MAX } from './kysely-store.js';
import type { Store } from './store.js';

function gap(details: Record<string, unknown>) {
  return (error: unknown) => {
    assert.ok(isParleyError(error, 'PARLEY_E_GAP'), String(error));
    assert.deepEqual({ ...error.details }, { author: 'us-js', ...details });
    return true;
  };
}

forEachDialect('store appends', (t) => {
  async function withChannel(): Promise<Store> {
    const store = await t.open();
    await store.putChannel(channelRow());
    return store;
  }

  it('returns a range of a feed’s entries of some types only', async () => {
    const store = await withChannel();
    const types = ['receipt', 'message', 'receipt', 'message', 'receipt', 'message'];
    const feed = signFeed('us-js', 6, undefined, (seq) =>
      types[seq - 1] === 'message' ? { type: 'message', body: messageBody(seq) } : {},
    );
    await store.appendEntries(channel, 'us-js', accept('us-js', feed), storedAt);
    const seqs = async (from: number, to: number, wanted: string[]) =>
      (await store.feedEntriesOfTypes(channel, 'us-js', from, to, wanted)).map((r) => [r.seq, r.type]);
    assert.deepEqual(await seqs(2, 5, ['message']), [
      [2, 'message'],
      [4, 'message'],
    ]);
    assert.deepEqual(await seqs(1, 6, ['receipt', 'key-rotate']), [
      [1, 'receipt'],
      [3, 'receipt'],
      [5, 'receipt'],
    ]);
    assert.deepEqual(await seqs(1, 6, []), []);
    assert.deepEqual(await seqs(5, 4, ['receipt']), []);
    assert.deepEqual(await store.feedEntriesOfTypes(channel, 'cn-jsd', 1, 6, ['receipt']), []);
  });

  it('appends contiguous batches and moves the head', async () => {
    const store = await withChannel();
    assert.equal(await store.head(channel, 'us-js'), undefined);
    const feed = signFeed('us-js', 5);
    await store.appendEntries(channel, 'us-js', accept('us-js', feed.slice(0, 3)), storedAt);
    await store.appendEntries(channel, 'us-js', accept('us-js', feed.slice(3), headOf(feed[2]!)), storedAt);
    await store.appendEntries(channel, 'us-js', [], storedAt);
    assert.deepEqual(await store.head(channel, 'us-js'), headOf(feed[4]!));
    const other = signFeed('cn-jsd', 1);
    await store.appendEntries(channel, 'cn-jsd', accept('cn-jsd', other), storedAt);
    assert.deepEqual(await store.heads(channel), { 'cn-jsd': headOf(other[0]!), 'us-js': headOf(feed[4]!) });
  });

  it("a batch with its receipt: one transaction, answering with every feed's head as it left them", async () => {
    const store = await withChannel();
    const jp = signFeed('jp-jso', 2);
    await store.appendEntries(channel, 'jp-jso', accept('jp-jso', jp), storedAt);
    const us = signFeed('us-js', 3);
    let seen: Record<string, unknown> = {};
    const written = await store.appendBatch(
      channel,
      [{ author: 'us-js', entries: accept('us-js', us) }],
      {
        author: 'cn-jsd',
        build: (head, others) => {
          seen = others;
          return signNext('cn-jsd', head, { heads: { 'us-js': { seq: 3, id: us[2]!.id } } });
        },
      },
      storedAt,
    );
    assert.ok(written?.own);
    // The receipt was built seeing the batch's feed as the batch left it, and the stored ones.
    assert.deepEqual(seen, { 'jp-jso': headOf(jp[1]!), 'us-js': headOf(us[2]!) });
    assert.deepEqual(written.own.heads, await store.heads(channel));
    assert.deepEqual(written.own.heads['cn-jsd'], headOf(written.own));
    // The rows handed back are the rows stored, byte for byte (the link and the consoles use them unread).
    assert.deepEqual(written.rows, {
      'us-js': await store.range(channel, 'us-js', 1, 10),
      'cn-jsd': await store.range(channel, 'cn-jsd', 1, 10),
    });
    assert.equal(written.rows['us-js']!.length, 3);
  });

  it('an own entry is built seeing the other feeds’ heads as read with its feed’s lock', async () => {
    const store = await withChannel();
    const jp = signFeed('jp-jso', 2);
    await store.appendEntries(channel, 'jp-jso', accept('jp-jso', jp), storedAt);
    const seen: Array<Record<string, unknown>> = [];
    // The feed's first entry (its row is made under the lock), then a group of two.
    await store.appendOwn(
      channel,
      'us-js',
      (head, feed) => {
        seen.push(feed.others);
        return signNext('us-js', head);
      },
      storedAt,
    );
    const cn = signFeed('cn-jsd', 1);
    await store.appendEntries(channel, 'cn-jsd', accept('cn-jsd', cn), storedAt);
    const build = (head: Parameters<typeof signNext>[1], feed: { others: Record<string, unknown> }) => {
      seen.push(feed.others);
      return signNext('us-js', head);
    };
    await store.appendOwnBatch(channel, 'us-js', [build, build], storedAt);
    assert.deepEqual(seen, [
      { 'jp-jso': headOf(jp[1]!) },
      { 'cn-jsd': headOf(cn[0]!), 'jp-jso': headOf(jp[1]!) },
      { 'cn-jsd': headOf(cn[0]!), 'jp-jso': headOf(jp[1]!) },
    ]);
    assert.equal((await store.head(channel, 'us-js'))?.seq, 3);
  });

  it('an own entry waiting for its feed’s lock names what the writer holding it stored meanwhile', async () => {
    const config = t.freshConfig();
    const [first, second] = [await t.open(config), await t.open(config)];
    await first.putChannel(channelRow());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const cn = { seq: 1, id: 'A'.repeat(43), time: new Date(t0).toISOString() };
    // The first writer holds us-js's lock and, before it commits, advances another feed.
    const writer = first.appendOwnBatch(channel, 'us-js', [(head) => signNext('us-js', head)], storedAt, async (db) => {
      locked();
      await gate;
      await db
        .insertInto('feeds')
        .values({ channel, author: 'cn-jsd', seq: cn.seq, id: cn.id, time: cn.time, tree_size: 1 })
        .execute();
    });
    await holding;
    let seen: Record<string, unknown> | undefined;
    const waiting = second.appendOwn(
      channel,
      'us-js',
      (head, feed) => {
        seen = feed.others;
        return signNext('us-js', head);
      },
      storedAt,
    );
    // The second is now waiting for the lock (PostgreSQL) or to begin (SQLite); the first goes on and commits.
    await new Promise((r) => setTimeout(r, 300));
    release();
    await writer;
    const written = await waiting;
    assert.equal(written.entry.header.seq, 2, 'built on the head the first writer left');
    assert.deepEqual(seen, { 'cn-jsd': cn }, 'and naming the feed it advanced');
  });

  it('refuses a gap, naming the stored head, and writes nothing', async () => {
    const store = await withChannel();
    const feed = accept('us-js', signFeed('us-js', 3));
    await assert.rejects(
      store.appendEntries(channel, 'us-js', feed.slice(1), storedAt),
      gap({ expected: 1, got: 2, head: 0 }),
    );
    assert.equal(await store.head(channel, 'us-js'), undefined);
    assert.deepEqual(await store.range(channel, 'us-js', 1, 10), []);
  });

  it('refuses a second append of the same seq with details.head', async () => {
    const store = await withChannel();
    const feed = accept('us-js', signFeed('us-js', 3));
    await store.appendEntries(channel, 'us-js', feed, storedAt);
    await assert.rejects(
      store.appendEntries(channel, 'us-js', feed.slice(2), storedAt),
      gap({ expected: 4, got: 3, head: 3 }),
    );
    await assert.rejects(store.appendEntries(channel, 'us-js', feed, storedAt), gap({ expected: 4, got: 1, head: 3 }));
    assert.equal((await store.head(channel, 'us-js'))?.seq, 3);
  });

  it('refuses entries that do not chain onto the stored head', async () => {
    const store = await withChannel();
    const [first] = signFeed('us-js', 1);
    await store.appendEntries(channel, 'us-js', accept('us-js', [first!]), storedAt);
    const forked = signFeed('us-js', 2, undefined, (seq) => ({ body: {}, refs: seq === 1 ? [first!.id] : [] }));
    const second = accept('us-js', forked)[1]!;
    await assert.rejects(store.appendEntries(channel, 'us-js', [second], storedAt), (e) =>
      isParleyError(e, 'PARLEY_E_PREV_MISMATCH'),
    );
  });

  it('refuses a channel it does not hold', async () => {
    const store = await t.open();
    await assert.rejects(store.appendEntries(channel, 'us-js', accept('us-js', signFeed('us-js', 1)), storedAt), (e) =>
      isParleyError(e, 'PARLEY_E_UNKNOWN_CHANNEL'),
    );
  });

  it('stores the exact canonical bytes, signature and flags', async () => {
    const store = await withChannel();
    const signed = signNext('us-js', undefined, { type: 'message', body: messageBody(1, 'Hotline 热线 ✓') });
    const verifier = new FeedVerifier({ channel, author: 'us-js', keys: keys(), skewAllowanceMs: 0, now: () => t0 });
    const [accepted] = [verifier.verify(signed.entry)];
    await store.appendEntries(channel, 'us-js', [accepted!], storedAt);
    const row = await store.getEntry(channel, 'us-js', 1);
    assert.ok(row);
    assert.equal(toBase64url(sha256(new TextEncoder().encode(row.header))), signed.id);
    assert.equal(row.header, canonicalize(signed.entry.header as unknown as JsonValue));
    assert.equal(row.body, canonicalize(signed.entry.body!));
    assert.equal(toBase64url(sha256(new TextEncoder().encode(row.body))), signed.entry.header.body);
    assert.deepEqual(
      { ...row, header: undefined, body: undefined },
      {
        channel,
        author: 'us-js',
        seq: 1,
        id: signed.id,
        type: 'message',
        time: signed.entry.header.time,
        header: undefined,
        sig: signed.entry.sig,
        body: undefined,
        storedAt,
        flags: JSON.stringify([{ code: 'PARLEY_E_FUTURE_TIME', aheadMs: 1000 }]),
      },
    );
    assert.deepEqual(await store.getEntryById(signed.id), row);
    assert.equal(await store.getEntryById('missing'), undefined);
    assert.equal(await store.maxSerial(channel, 'us-js'), 1);
  });

  it('pages a feed with range and a channel with scan', async () => {
    const store = await withChannel();
    await store.appendEntries(channel, 'us-js', accept('us-js', signFeed('us-js', 5)), storedAt);
    await store.appendEntries(channel, 'cn-jsd', accept('cn-jsd', signFeed('cn-jsd', 3)), storedAt);
    assert.deepEqual(
      (await store.range(channel, 'us-js', 2, 2)).map((e) => e.seq),
      [2, 3],
    );
    assert.deepEqual(
      (await store.range(channel, 'us-js', 5, 10)).map((e) => e.seq),
      [5],
    );
    const seen: string[] = [];
    let after: { author: string; seq: number } | undefined;
    for (;;) {
      const page = await store.scan(channel, after, 3);
      if (page.length === 0) break;
      seen.push(...page.map((e) => `${e.author}/${e.seq}`));
      after = page[page.length - 1]!;
    }
    assert.deepEqual(seen, ['cn-jsd/1', 'cn-jsd/2', 'cn-jsd/3', 'us-js/1', 'us-js/2', 'us-js/3', 'us-js/4', 'us-js/5']);
  });

  it('caps a scan page at SCAN_PAGE_MAX whatever the limit, and reads on to the end', async () => {
    const store = await withChannel();
    const n = SCAN_PAGE_MAX + 30;
    await store.appendEntries(channel, 'us-js', accept('us-js', signFeed('us-js', n)), storedAt);
    const pages: number[] = [];
    const seqs: number[] = [];
    let after: { author: string; seq: number } | undefined;
    for (;;) {
      const page = await store.scan(channel, after, 2000);
      if (page.length === 0) break;
      pages.push(page.length);
      seqs.push(...page.map((e) => e.seq));
      after = page[page.length - 1]!;
    }
    assert.deepEqual(pages, [SCAN_PAGE_MAX, 30]);
    assert.deepEqual(
      seqs,
      Array.from({ length: n }, (_, i) => i + 1),
    );
  });

  it('appendOwn builds each entry on the current head', async () => {
    const store = await withChannel();
    const built: Signed[] = [];
    for (let i = 1; i <= 3; i++) {
      const serial = (await store.maxSerial(channel, 'us-js')) + 1;
      built.push(
        await store.appendOwn(
          channel,
          'us-js',
          (head) => signNext('us-js', head, { type: 'message', body: messageBody(serial) }),
          storedAt,
        ),
      );
    }
    assert.deepEqual(
      built.map((b) => [b.entry.header.seq, b.entry.header.prev]),
      [
        [1, null],
        [2, built[0]!.id],
        [3, built[1]!.id],
      ],
    );
    assert.deepEqual(await store.head(channel, 'us-js'), headOf(built[2]!));
    assert.equal(await store.maxSerial(channel, 'us-js'), 3);
    assert.equal(await store.maxSerial(channel, 'cn-jsd'), 0);
  });

  it('appendOwn writes nothing when build throws or builds off the head', async () => {
    const store = await withChannel();
    const first = await store.appendOwn(channel, 'us-js', (head) => signNext('us-js', head), storedAt);
    const refusal = new ParleyError('PARLEY_E_SCHEMA', { type: 'message', path: 'text', reason: 'empty' });
    await assert.rejects(
      store.appendOwn(
        channel,
        'us-js',
        () => {
          throw refusal;
        },
        storedAt,
      ),
      (e) => e === refusal,
    );
    await assert.rejects(
      store.appendOwn(channel, 'us-js', () => signNext('us-js', undefined), storedAt),
      gap({ expected: 2, got: 1, head: 1 }),
    );
    assert.deepEqual(await store.head(channel, 'us-js'), headOf(first));
    assert.equal((await store.range(channel, 'us-js', 1, 10)).length, 1);
  });
});
