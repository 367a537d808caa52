import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError, ParleyError } from '@parley/contract';
import {
  canonicalize,
  compactRangeNodes,
  FeedVerifier,
  fromBase64url,
  type JsonValue,
  MemoryMerkleLog,
  rootAt,
  sha256,
  toBase64url,
} from '@parley/record';
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
import { merkleNodeKey } from './merkle-nodes.js';
import type { Store } from './store.js';

/** A promise and the function that resolves it. */
function latch(): [Promise<void>, () => void] {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return [opened, open];
}

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

  it("lists a channel's entries of one type by author and seq, whatever order they were stored in", async () => {
    const store = await withChannel();
    const kind = (seq: number) => ({ type: seq % 2 ? 'message' : 'receipt', body: seq % 2 ? messageBody(seq) : {} });
    const us = signFeed('us-js', 6, undefined, kind);
    const jp = signFeed('jp-jso', 4, undefined, kind);
    await store.appendEntries(channel, 'us-js', accept('us-js', us.slice(0, 3)), storedAt);
    await store.appendEntries(channel, 'jp-jso', accept('jp-jso', jp), storedAt);
    await store.appendEntries(channel, 'us-js', accept('us-js', us.slice(3), headOf(us[2]!)), storedAt);
    assert.deepEqual(
      (await store.entriesOfType(channel, 'message')).map((r) => [r.author, r.seq]),
      [
        ['jp-jso', 1],
        ['jp-jso', 3],
        ['us-js', 1],
        ['us-js', 3],
        ['us-js', 5],
      ],
    );
    assert.deepEqual(await store.entriesOfType(channel, 'key-rotate'), []);
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
    const [gate, release] = latch();
    const [holding, locked] = latch();
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

  it('on known heads (decision 0031), own entries are built on them, with nothing read first', async () => {
    const store = await withChannel();
    const us = signFeed('us-js', 2);
    await store.appendEntries(channel, 'us-js', accept('us-js', us), storedAt);
    const jp = signFeed('jp-jso', 2);
    await store.appendEntries(channel, 'jp-jso', accept('jp-jso', jp), storedAt);
    // The caller knows jp-jso only at 1 and its serials up to 7: what the builds see is that, not the store.
    const known = { author: 'us-js', head: headOf(us[1]!), others: { 'jp-jso': headOf(jp[0]!) }, maxSerial: 7 };
    const seen: unknown[] = [];
    const build = async (
      head: Parameters<typeof signNext>[1],
      feed: { others: unknown; maxSerial(): Promise<number> },
    ) => {
      seen.push(feed.others, await feed.maxSerial());
      return signNext('us-js', head, { type: 'message', body: messageBody((await feed.maxSerial()) + 1) });
    };
    const written = await store.appendOwnBatch(channel, 'us-js', [build], storedAt, undefined, known);
    assert.deepEqual(seen, [{ 'jp-jso': headOf(jp[0]!) }, 7]);
    assert.equal(written[0]!.entry.header.seq, 3);
    assert.deepEqual(await store.head(channel, 'us-js'), headOf(written[0]!));
    assert.deepEqual(
      await store.range(channel, 'us-js', 3, 1),
      [written[0]!.row],
      'the row handed back is the row stored',
    );
    // The tree went on from the known head: the stored nodes give the root of the three entries.
    const log = new MemoryMerkleLog();
    for (const { id } of [...us, written[0]!]) log.append(fromBase64url(id, 'id', 32));
    const nodes = await store.merkleNodes(channel, 'us-js', compactRangeNodes(3));
    assert.deepEqual(
      rootAt(3, (level, index) => nodes.get(merkleNodeKey(level, index))!),
      log.root(),
    );
  });

  it('on a known head that moved, an own group is refused whole (PARLEY_E_PREV_MISMATCH) and nothing is written', async () => {
    const store = await withChannel();
    const us = signFeed('us-js', 2);
    await store.appendEntries(channel, 'us-js', accept('us-js', us), storedAt);
    const stale = { author: 'us-js', head: headOf(us[0]!), others: {} };
    const before = await store.heads(channel);
    const build = (head: Parameters<typeof signNext>[1]) => signNext('us-js', head);
    await assert.rejects(
      store.appendOwnBatch(
        channel,
        'us-js',
        [build, build],
        storedAt,
        async (db) => {
          await db
            .insertInto('feeds')
            .values({
              channel,
              author: 'jp-jso',
              seq: 1,
              id: 'A'.repeat(43),
              time: new Date(t0).toISOString(),
              tree_size: 1,
            })
            .execute();
        },
        stale,
      ),
      (error: unknown) => {
        assert.ok(isParleyError(error, 'PARLEY_E_PREV_MISMATCH'), String(error));
        assert.deepEqual({ ...error.details }, { author: 'us-js', seq: 2, prevSeq: 1 });
        return true;
      },
    );
    assert.deepEqual(await store.heads(channel), before);
    assert.equal((await store.range(channel, 'us-js', 1, 10)).length, 2);
    assert.equal((await store.merkleNodes(channel, 'us-js', [{ level: 0, index: 2 }])).size, 0, 'nor its tree');
    // A head that moved on by one (the same seq, another entry) is refused as well.
    const forked = { author: 'us-js', head: { ...headOf(us[1]!), id: us[0]!.id }, others: {} };
    await assert.rejects(
      store.appendOwnBatch(channel, 'us-js', [build], storedAt, undefined, forked),
      /PARLEY_E_PREV_MISMATCH|prev of us-js/,
    );
    assert.deepEqual(await store.heads(channel), before);
  });

  it('on known heads, an own entry naming more of another feed than the store holds is refused whole, naming it', async () => {
    // The caller remembers jp-jso at 2; the store holds 1 (a crashed database lost the tail of an
    // unflushed commit of jp-jso's entries while the node ran on).
    const store = await withChannel();
    const us = signFeed('us-js', 1);
    await store.appendEntries(channel, 'us-js', accept('us-js', us), storedAt);
    const jp = signFeed('jp-jso', 2);
    await store.appendEntries(channel, 'jp-jso', accept('jp-jso', jp.slice(0, 1)), storedAt);
    const cn = signFeed('cn-jsd', 1);
    await store.appendEntries(channel, 'cn-jsd', accept('cn-jsd', cn), storedAt);
    const before = await store.heads(channel);
    const build = (head: Parameters<typeof signNext>[1]) => signNext('us-js', head);
    const refusal = (error: unknown) => {
      assert.ok(isParleyError(error, 'PARLEY_E_PREV_MISMATCH'), String(error));
      assert.deepEqual({ ...error.details }, { author: 'jp-jso', seq: 3, prevSeq: 2, held: 1 });
      return true;
    };
    const ahead = { 'cn-jsd': headOf(cn[0]!), 'jp-jso': headOf(jp[1]!) };
    await assert.rejects(
      store.appendOwnBatch(channel, 'us-js', [build, build], storedAt, undefined, {
        author: 'us-js',
        head: headOf(us[0]!),
        others: ahead,
      }),
      refusal,
    );
    assert.deepEqual(await store.heads(channel), before, 'nothing written');
    // A receipt after a batch of cn-jsd, naming jp-jso at 2 as well: the batch is not stored either.
    const more = signFeed('cn-jsd', 1, headOf(cn[0]!));
    await assert.rejects(
      store.appendBatch(
        channel,
        [{ author: 'cn-jsd', entries: accept('cn-jsd', more, headOf(cn[0]!)) }],
        { author: 'us-js', build: (head) => signNext('us-js', head) },
        storedAt,
        { author: 'us-js', head: headOf(us[0]!), others: ahead },
      ),
      refusal,
    );
    assert.deepEqual(await store.heads(channel), before, 'nothing written');
    // Named at the head held, or behind it (another process stored more since): written.
    const held = { 'cn-jsd': headOf(cn[0]!), 'jp-jso': headOf(jp[0]!) };
    const written = await store.appendOwnBatch(channel, 'us-js', [build], storedAt, undefined, {
      author: 'us-js',
      head: headOf(us[0]!),
      others: held,
    });
    assert.equal(written[0]!.entry.header.seq, 2);
    await store.appendEntries(channel, 'jp-jso', accept('jp-jso', jp.slice(1), headOf(jp[0]!)), storedAt);
    const again = await store.appendOwnBatch(channel, 'us-js', [build], storedAt, undefined, {
      author: 'us-js',
      head: headOf(written[0]!),
      others: held,
    });
    assert.equal(again[0]!.entry.header.seq, 3);
  });

  it('on known heads, a batch and its receipt: written without the locks read, or refused whole naming the feed that moved', async () => {
    const store = await withChannel();
    const cn = signFeed('cn-jsd', 1);
    await store.appendEntries(channel, 'cn-jsd', accept('cn-jsd', cn), storedAt);
    const us = signFeed('us-js', 3);
    await store.appendEntries(channel, 'us-js', accept('us-js', us.slice(0, 1)), storedAt);
    const receipt = {
      author: 'cn-jsd',
      build: (head: Parameters<typeof signNext>[1], others: Record<string, unknown>) => {
        seen.push(others);
        return signNext('cn-jsd', head);
      },
    };
    const seen: unknown[] = [];
    const known = { author: 'cn-jsd', head: headOf(cn[0]!), others: { 'us-js': headOf(us[0]!) } };
    const written = await store.appendBatch(
      channel,
      [{ author: 'us-js', entries: accept('us-js', us.slice(1), headOf(us[0]!)) }],
      receipt,
      storedAt,
      known,
    );
    assert.deepEqual(seen, [{ 'us-js': headOf(us[2]!) }], 'the receipt names the heads the batch left');
    assert.equal(written?.onKnownHeads, true);
    assert.deepEqual(written?.own?.heads, await store.heads(channel));
    assert.deepEqual(written?.rows['us-js'], await store.range(channel, 'us-js', 2, 10));
    // Known heads left behind: us-js is at 3, the caller thinks 1. Refused whole, us-js named.
    const before = await store.heads(channel);
    const more = signFeed('us-js', 1, headOf(us[0]!));
    await assert.rejects(
      store.appendBatch(
        channel,
        [{ author: 'us-js', entries: accept('us-js', more, headOf(us[0]!)) }],
        receipt,
        storedAt,
        {
          author: 'cn-jsd',
          head: headOf(written!.own!),
          others: { 'us-js': headOf(us[0]!) },
        },
      ),
      (error: unknown) => {
        assert.ok(isParleyError(error, 'PARLEY_E_PREV_MISMATCH'), String(error));
        assert.deepEqual({ ...error.details }, { author: 'us-js', seq: 2, prevSeq: 1 });
        return true;
      },
    );
    assert.deepEqual(await store.heads(channel), before, 'nothing written');
    // A feed not known (its first entry) takes the lock-first path, whatever is known.
    const jp = signFeed('jp-jso', 1);
    const first = await store.appendBatch(
      channel,
      [{ author: 'jp-jso', entries: accept('jp-jso', jp) }],
      undefined,
      storedAt,
      {
        author: 'cn-jsd',
        head: headOf(written!.own!),
        others: { 'us-js': before['us-js']! },
      },
    );
    assert.equal(first?.rows['jp-jso']?.length, 1);
    assert.equal(first?.onKnownHeads, false);
  });

  it('a write on known heads that waits for the feed’s lock is refused if the holder moved the head', async () => {
    const config = t.freshConfig();
    const [first, second] = [await t.open(config), await t.open(config)];
    await first.putChannel(channelRow());
    const us = signFeed('us-js', 1);
    await first.appendEntries(channel, 'us-js', accept('us-js', us), storedAt);
    const [gate, release] = latch();
    const [holding, locked] = latch();
    // The first writer locks us-js (reading it first) and holds the lock until released.
    const writer = first.appendOwnBatch(channel, 'us-js', [(head) => signNext('us-js', head)], storedAt, async () => {
      locked();
      await gate;
    });
    await holding;
    // The second writes on the head it knows (1), which the first is about to move: it waits, then is refused.
    const waiting = second.appendOwnBatch(channel, 'us-js', [(head) => signNext('us-js', head)], storedAt, undefined, {
      author: 'us-js',
      head: headOf(us[0]!),
      others: {},
    });
    const outcome = waiting.then(
      () => 'written',
      (error: unknown) => (isParleyError(error) ? error.code : String(error)),
    );
    await new Promise((r) => setTimeout(r, 300));
    release();
    await writer;
    assert.equal(await outcome, 'PARLEY_E_PREV_MISMATCH');
    assert.equal((await first.head(channel, 'us-js'))?.seq, 2);
    assert.equal((await first.range(channel, 'us-js', 1, 10)).length, 2, 'one entry at seq 2, the first writer’s');
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
