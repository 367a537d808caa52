import assert from 'node:assert/strict';
import { it } from 'node:test';
import { examples } from '@parley/contract';
import { Ed25519Signer, type JsonValue, type SignedEntry, signEntry, signRotation, toBase64url } from '@parley/record';
import { sql } from 'kysely';
import { systemClock } from '../clock/clock.js';
import { databaseOf } from '../hotline/hotline-db.js';
import { forEachDialect } from '../store/_util.js';
import type { KnownFeeds, Store } from '../store/store.js';
import { messageBody, twoPartyChannel } from './_fixtures.js';
import { channelState } from './channel-state.js';
import { ingestBatch } from './ingest.js';
import { type OwnEntry, ParleyNode } from './node.js';

/**
 * A peer's batch is verified against the feed head this node last committed,
 * not one read from the store (decision 0030): on PostgreSQL that read is a
 * round trip on the way of every FLASH message and of every receipt coming
 * back. The store's check under the feed's lock keeps it safe; these tests
 * show the read is gone and that a head left behind by another writer of the
 * same database costs a second verification, never an entry or a wrong answer.
 */
forEachDialect('feed heads a node remembers', (t) => {
  async function setup() {
    const { id, row, us, cn } = twoPartyChannel('known heads');
    const store = await t.open();
    await store.putChannel(row);
    const reads: string[] = [];
    const head = store.head.bind(store);
    store.head = (channel, author) => {
      reads.push(author);
      return head(channel, author);
    };
    /** Channel states loaded: a batch verified again after a stale head loads its channel's state afresh. */
    const loads: string[] = [];
    const getChannel = store.getChannel.bind(store);
    store.getChannel = (channel) => {
      loads.push(channel);
      return getChannel(channel);
    };
    const node = new ParleyNode({ party: 'us-js', signer: us, store, clock: systemClock });
    const entries: SignedEntry[] = [];
    const ids: string[] = [];
    /** The peer's next message (or `content`), signed by `key`; `at` rewrites its feed from that seq (a fork). */
    const next = (content?: { type: string; body: JsonValue }, key: Ed25519Signer = cn, at?: number): SignedEntry => {
      if (at !== undefined) {
        entries.length = at - 1;
        ids.length = at - 1;
      }
      const seq = entries.length + 1;
      const signed = signEntry(
        {
          channel: id,
          author: 'cn-jsd',
          seq,
          prev: ids[seq - 2] ?? null,
          time: new Date().toISOString(),
          type: content?.type ?? 'message',
          body: content?.body ?? messageBody(seq),
        },
        key,
      );
      ids.push(signed.id);
      entries.push(JSON.parse(JSON.stringify(signed.entry)) as SignedEntry);
      return entries[entries.length - 1]!;
    };
    return { id, row, store, node, reads, loads, next, cn, feed: { entries, ids } };
  }

  it('verifies a peer’s next batches without reading the feed’s head again', async () => {
    const { id, store, node, reads, next } = await setup();
    const first = await node.ingest(id, [next()]);
    assert.equal(first.stored, 1);
    assert.deepEqual(reads, ['cn-jsd'], 'the first batch reads the head');
    for (let i = 0; i < 5; i++) {
      const answer = await node.ingest(id, [next()]);
      assert.equal(answer.stored, 1);
      assert.ok(answer.receipt, 'each message is answered with a receipt');
    }
    assert.deepEqual(reads, ['cn-jsd'], 'the later ones are verified against the head this node committed');
    assert.equal((await store.head(id, 'cn-jsd'))?.seq, 6);
  });

  it('a resend is still a duplicate, judged against the entry stored', async () => {
    const { id, node, next } = await setup();
    const sent = [next(), next()];
    await node.ingest(id, sent);
    const again = await node.ingest(id, sent);
    assert.equal(again.stored, 0);
    assert.equal(again.duplicates, 2);
    assert.equal(again.error, undefined);
  });

  it('a refusal against a head that still holds is not verified again', async () => {
    const { id, store, node, reads, loads, next } = await setup();
    await node.ingest(id, [next()]);
    reads.length = 0;
    loads.length = 0;
    const forged = next();
    forged.sig = (await store.range(id, 'cn-jsd', 1, 1))[0]!.sig; // entry 1's signature
    const refused = await node.ingest(id, [forged]);
    assert.equal(refused.error?.code, 'PARLEY_E_BAD_SIGNATURE');
    assert.deepEqual(reads, ['cn-jsd'], 'the hint checked against the store once');
    assert.deepEqual(loads, [], 'and the batch not verified again');
  });

  it('a key rotation seen only in a verification that was then discarded is not kept', async () => {
    const { id, row, store, node, next, cn, feed } = await setup();
    await node.ingest(id, [next(), next()]);
    // Elsewhere (another process), the peer's honest 3 is stored; its 4 follows.
    const three = next();
    const four = next();
    const honest = { entries: [...feed.entries], ids: [...feed.ids] };
    await ingestBatch(store, channelState(row), [three], systemClock.now, new Date().toISOString());
    // The peer then forks: a 3' rotating its key, built on 2. Against the head this node remembers (2)
    // it looks new; the store finds 3 and the batch is verified again: a fork, the rotation not stored.
    const k2 = Ed25519Signer.generate();
    const statement = {
      channel: id,
      author: 'cn-jsd',
      seq: 3,
      oldKey: toBase64url(cn.publicKey),
      newKey: toBase64url(k2.publicKey),
    };
    const rotation = { type: 'key-rotate', body: { newKey: statement.newKey, proof: signRotation(statement, k2) } };
    const refused = await node.ingest(id, [next(rotation, cn, 3)]);
    assert.equal(refused.stored, 0);
    assert.equal(refused.forks.length, 1, 'the fork is found against the entry stored');
    // The honest 4, signed by the key the record holds, is taken; a 5 signed by the other key is not.
    feed.entries.splice(0, feed.entries.length, ...honest.entries);
    feed.ids.splice(0, feed.ids.length, ...honest.ids);
    const taken = await node.ingest(id, [four]);
    assert.equal(taken.error, undefined);
    assert.equal(taken.stored, 1);
    const notTaken = await node.ingest(id, [next(undefined, k2)]);
    assert.equal(notTaken.error?.code, 'PARLEY_E_KEY_NOT_VALID');
    assert.equal((await store.head(id, 'cn-jsd'))?.seq, 4);
  });

  it('a head left behind by another writer: verified again from the store, nothing lost, no false refusal', async () => {
    const { id, row, store, node, reads, next } = await setup();
    await node.ingest(id, [next(), next()]);
    // Another process over the same database (scale-out) stores the peer's 3 and 4.
    const other = [next(), next()];
    const elsewhere = await ingestBatch(store, channelState(row), other, systemClock.now, new Date().toISOString());
    assert.equal(elsewhere.stored, 2);
    reads.length = 0;

    // 3, 4 and 5 continue the head this node remembers (2): the store's check under the lock finds 4.
    const mixed = await node.ingest(id, [...other, next()]);
    assert.equal(mixed.error, undefined);
    assert.equal(mixed.stored, 1, 'only 5 is new');
    assert.equal(mixed.duplicates, 2, '3 and 4 were stored elsewhere');
    assert.ok(mixed.receipt);
    assert.deepEqual(reads, ['cn-jsd'], 'verified again against the head as stored');

    // Elsewhere again (6); then 7 alone, which the remembered head (5) takes for a gap.
    await ingestBatch(store, channelState(row), [next()], systemClock.now, new Date().toISOString());
    reads.length = 0;
    const alone = await node.ingest(id, [next()]);
    assert.equal(alone.error, undefined, 'not refused as a gap');
    assert.equal(alone.stored, 1);
    assert.deepEqual(reads, ['cn-jsd', 'cn-jsd'], 'the hint checked against the store, then verified again');
    assert.equal((await store.head(id, 'cn-jsd'))?.seq, 7);
  });
  /**
   * The `known` each write was given (decision 0031); for a peer's batch,
   * whether the store wrote on it (it takes the lock-first path for a feed it
   * does not know); and the error a refused write ended with.
   */
  function watchWrites(store: Awaited<ReturnType<typeof setup>>['store'], stallMs = 0) {
    const stall = () => new Promise((resolve) => setTimeout(resolve, stallMs));
    const writes: Array<{ kind: 'own' | 'batch'; known: KnownFeeds | undefined; onKnown?: boolean; refused?: string }> =
      [];
    const appendOwnBatch = store.appendOwnBatch.bind(store);
    store.appendOwnBatch = async (channel, author, builds, storedAt, alongside, known) => {
      const write = { kind: 'own' as const, known };
      writes.push(write);
      try {
        if (stallMs) await stall();
        return await appendOwnBatch(channel, author, builds, storedAt, alongside, known);
      } catch (error) {
        Object.assign(write, { refused: (error as { code?: string }).code ?? (error as Error).name });
        throw error;
      }
    };
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = async (channel, feeds, own, storedAt, known) => {
      const write = { kind: 'batch' as const, known };
      writes.push(write);
      try {
        if (stallMs) await stall();
        const written = await appendBatch(channel, feeds, own, storedAt, known);
        Object.assign(write, { onKnown: written?.onKnownHeads });
        return written;
      } catch (error) {
        Object.assign(write, { refused: (error as { code?: string }).code ?? (error as Error).name });
        throw error;
      }
    };
    return writes;
  }

  const message = (subject: string): OwnEntry => {
    const { translation: _, serial: __, ...body } = { ...examples.message, subject };
    return { type: 'message', body: body as unknown as JsonValue, assignSerial: true };
  };

  it('own entries and receipts are written on the heads the node knows, once it has read them all with a lock', async () => {
    const { id, store, node, next } = await setup();
    const writes = watchWrites(store);
    await node.append(id, message('one'));
    await node.ingest(id, [next()]);
    await node.append(id, message('two'));
    await node.append(id, message('three'));
    await node.ingest(id, [next()]);
    const four = await node.append(id, message('four'));
    assert.deepEqual(
      writes.map((w) => [w.kind, w.known?.head.seq, w.known?.maxSerial, w.onKnown, w.refused]),
      [
        // Our feed empty: its row is made under the lock.
        ['own', undefined, undefined, undefined, undefined],
        // The peer's first entry: the store makes its row under the lock (the receipt after it too).
        ['batch', 1, 1, false, undefined],
        // Known heads; the serial (true at seq 1, not at 2, after a write that read nothing of it) is read.
        ['own', 2, undefined, undefined, undefined],
        ['own', 3, 2, undefined, undefined],
        // The peer's next entry and its receipt on known heads; the serial carried on.
        ['batch', 4, 3, true, undefined],
        ['own', 5, 3, undefined, undefined],
      ],
    );
    const cnHead = await store.head(id, 'cn-jsd');
    assert.deepEqual(writes[5]!.known?.others, { 'cn-jsd': cnHead });
    // What they wrote is what the lock-first path would have: contiguous, serials 1…4, heads named.
    const rows = await store.range(id, 'us-js', 1, 10);
    assert.deepEqual(
      rows.map((r) => [r.seq, r.type, r.type === 'message' ? JSON.parse(r.body).serial : undefined]),
      [
        [1, 'message', 1],
        [2, 'receipt', undefined],
        [3, 'message', 2],
        [4, 'message', 3],
        [5, 'receipt', undefined],
        [6, 'message', 4],
      ],
    );
    for (const [i, r] of rows.entries()) if (i > 0) assert.equal(JSON.parse(r.header).prev, rows[i - 1]!.id);
    assert.deepEqual(four.entry.header.heads, { 'cn-jsd': { seq: 2, id: cnHead!.id } });
  });

  it('another process wrote our feed: the write on the old head is refused whole, then done under the lock', async () => {
    const config = t.freshConfig();
    const { id, row, us } = twoPartyChannel('two writers');
    const [one, two] = [await t.open(config), await t.open(config)];
    await one.putChannel(row);
    const writes = watchWrites(one);
    const a = new ParleyNode({ party: 'us-js', signer: us, store: one, clock: systemClock });
    const b = new ParleyNode({ party: 'us-js', signer: us, store: two, clock: systemClock });
    await a.append(id, message('a1'));
    await a.append(id, message('a2')); // on the heads a knows
    await b.append(id, message('b1')); // the other process: a's heads are now behind
    const a3 = await a.append(id, message('a3'));
    assert.equal(a3.entry.header.seq, 4, 'built again on the head b left');
    assert.deepEqual(
      writes.map((w) => [w.known?.head.seq, w.refused]),
      [
        [undefined, undefined],
        [1, undefined],
        [2, 'PARLEY_E_PREV_MISMATCH'],
        [undefined, undefined],
      ],
    );
    // For a while after, a locks first (the other process is writing too).
    await a.append(id, message('a4'));
    assert.equal(writes.at(-1)!.known, undefined);
    const rows = await one.range(id, 'us-js', 1, 10);
    assert.deepEqual(
      rows.map((r) => [r.seq, JSON.parse(r.body).subject, JSON.parse(r.body).serial]),
      [
        [1, 'a1', 1],
        [2, 'a2', 2],
        [3, 'b1', 3],
        [4, 'a3', 4],
        [5, 'a4', 5],
      ],
      'one feed, no fork, serials unique',
    );
    for (const [i, r] of rows.entries()) if (i > 0) assert.equal(JSON.parse(r.header).prev, rows[i - 1]!.id);
  });

  it('a peer’s entry the database lost (a crash) is not named by the next own entry: refused, built on the store', async () => {
    const { id, store, node, next, feed } = await setup();
    const writes = watchWrites(store);
    await node.append(id, message('one'));
    await node.ingest(id, [next()]);
    await node.append(id, message('two')); // on known heads from here on
    // The peer's receipt of it: a batch needing no receipt, committed without waiting for the disk.
    const receipt = await node.ingest(id, [next({ type: 'receipt', body: {} })]);
    assert.equal(receipt.stored, 1);
    assert.equal(receipt.receipt, undefined);
    // The database crashes and comes back without it; the node runs on, remembering it.
    await loseTail(store, id, 'cn-jsd', 1);
    const three = await node.append(id, message('three'));
    assert.deepEqual(
      writes.slice(-2).map((w) => [w.kind, w.known?.others['cn-jsd']?.seq, w.refused]),
      [
        ['own', 2, 'PARLEY_E_PREV_MISMATCH'],
        ['own', undefined, undefined],
      ],
      'refused on the heads known, then written under the lock',
    );
    assert.deepEqual(
      three.entry.header.heads,
      { 'cn-jsd': { seq: 1, id: feed.ids[0] } },
      'naming what the store holds, not the entry it lost',
    );
    // The peer's next entry shows the gap; sent again from it, the lost receipt is back.
    const gapped = await node.ingest(id, [next()]);
    assert.equal(gapped.error?.code, 'PARLEY_E_GAP');
    const resent = await node.ingest(id, feed.entries.slice(1));
    assert.equal(resent.error, undefined);
    assert.equal(resent.stored, 2);
    assert.equal((await store.head(id, 'cn-jsd'))?.seq, 3);
    const ours = await store.range(id, 'us-js', 1, 10);
    for (const [i, r] of ours.entries()) if (i > 0) assert.equal(JSON.parse(r.header).prev, ours[i - 1]!.id);
  });

  /**
   * Two nodes of us-js over one database (two processes: `a` on store `one`,
   * `b` on another handle), and the peer's next message (`theirs`), naming
   * `ours` as the head of our feed it holds.
   */
  async function twoWriters(name: string) {
    const config = t.freshConfig();
    const { id, row, us, cn } = twoPartyChannel(name);
    const [one, two] = [await t.open(config), await t.open(config)];
    await one.putChannel(row);
    const a = new ParleyNode({ party: 'us-js', signer: us, store: one, clock: systemClock });
    const b = new ParleyNode({ party: 'us-js', signer: us, store: two, clock: systemClock });
    const peer: Array<{ id: string; entry: SignedEntry }> = [];
    const theirs = (ours: { seq: number; id: string }): SignedEntry => {
      const signed = signEntry(
        {
          channel: id,
          author: 'cn-jsd',
          seq: peer.length + 1,
          prev: peer.at(-1)?.id ?? null,
          time: new Date().toISOString(),
          type: 'message',
          body: messageBody(peer.length + 1),
          heads: { 'us-js': ours },
        },
        cn,
      );
      peer.push(signed);
      return JSON.parse(JSON.stringify(signed.entry)) as SignedEntry;
    };
    return { id, one, a, b, theirs };
  }

  it('a peer naming our entries another process wrote does not stop this one signing: its head is read', async () => {
    const { id, one, a, b, theirs } = await twoWriters('claims and two writers');
    const writes = watchWrites(one);
    const a1 = await a.append(id, message('a1'));
    await a.ingest(id, [theirs({ seq: 1, id: a1.id })]); // a's receipt at 2; a knows every head now
    await a.append(id, message('a2')); // seq 3, on the heads a knows
    const b1 = await b.append(id, message('b1')); // seq 4, written by the other process
    // The peer holds seq 4 (pushed by b) and says so in its next entry; a takes it in.
    const answer = await a.ingest(id, [theirs({ seq: 4, id: b1.id })]);
    assert.equal(answer.error, undefined, 'not PARLEY_E_OWN_FEED_BEHIND: the store holds what the peer names');
    assert.equal(answer.receipt?.header.seq, 5, 'answered at once, on the head the store holds');
    const a3 = await a.append(id, message('a3'));
    assert.equal(a3.entry.header.seq, 6);
    assert.deepEqual(
      writes.slice(-3).map((w) => [w.kind, w.known?.head.seq, w.refused]),
      [
        ['own', 2, undefined],
        // A claim beyond the head a knows: read under the lock, not judged against the hint.
        ['batch', undefined, undefined],
        ['own', 5, undefined],
      ],
    );
  });

  it('a claim noted while an own write on known heads is under way: that write is done again under the lock', async () => {
    const { id, one, a, b, theirs } = await twoWriters('a claim mid-write');
    const a1 = await a.append(id, message('a1'));
    await a.ingest(id, [theirs({ seq: 1, id: a1.id })]);
    await a.append(id, message('a2')); // seq 3; a knows every head
    const b1 = await b.append(id, message('b1')); // seq 4, by the other process
    // a's next send takes the heads it knows (ours at 3), then waits on its way to the store while
    // the peer's entry naming b's seq 4 is taken in (its claim noted before it queues for our feed).
    // The peer's entry is taken in once the send has reached the store (its heads taken): on the way
    // to its claim an ingest reads nothing and waits for no timer, so it is noted within the hold.
    const writes = watchWrites(one, 300);
    const sending = a.append(id, message('a3'));
    while (writes.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const answering = a.ingest(id, [theirs({ seq: 4, id: b1.id })]);
    const [a3, answer] = await Promise.all([sending, answering]);
    assert.equal(answer.error, undefined, 'answered');
    assert.deepEqual(
      [answer.receipt?.header.seq, a3.entry.header.seq],
      [5, 6],
      'not PARLEY_E_OWN_FEED_BEHIND: the send built again after the receipt, on the head read under the lock',
    );
    assert.deepEqual(
      writes.map((w) => [w.kind, w.known?.head.seq, w.refused]),
      [
        ['own', 3, 'ClaimBeyondHint'],
        ['batch', undefined, undefined],
        ['own', 5, undefined],
      ],
    );
  });

  it('a serial another process used is not used again after a write that took its entry in unread', async () => {
    const config = t.freshConfig();
    const { id, row, us, cn } = twoPartyChannel('serials');
    const [one, two] = [await t.open(config), await t.open(config)];
    await one.putChannel(row);
    const a = new ParleyNode({ party: 'us-js', signer: us, store: one, clock: systemClock });
    const b = new ParleyNode({ party: 'us-js', signer: us, store: two, clock: systemClock });
    await a.append(id, message('a1'));
    await a.append(id, message('a2')); // a knows serial 2, at seq 2
    await b.append(id, message('b1')); // seq 3, serial 3, written elsewhere
    // A peer's first entry reaches a: stored under the locks, a's receipt goes on the head b left (4).
    const first = signEntry(
      {
        channel: id,
        author: 'cn-jsd',
        seq: 1,
        prev: null,
        time: new Date().toISOString(),
        type: 'message',
        body: messageBody(1),
      },
      cn,
    );
    const answer = await a.ingest(id, [JSON.parse(JSON.stringify(first.entry))]);
    assert.equal(answer.receipt?.header.seq, 4);
    // a's heads are known again (4), but the serial it knew was true at 2: it is read, not reused.
    const a3 = await a.append(id, message('a3'));
    assert.equal(a3.entry.header.seq, 5);
    assert.equal((a3.entry.body as { serial: number }).serial, 4);
  });

  it('own messages and receipts written at once by one node build on each other, never refused', async () => {
    const { id, store, node, next } = await setup();
    // Each write held up a little on its way to the store, so that they overlap.
    const writes = watchWrites(store, 5);
    await node.append(id, message('first'));
    await node.ingest(id, [next()]);
    const peer = Array.from({ length: 6 }, () => next());
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => node.append(id, message(`m${i}`))),
      ...peer.map((e) => node.ingest(id, [e])),
    ]);
    // Without #writingOwn, two writes of this node build on one head and one is refused.
    assert.deepEqual(
      writes.filter((w) => w.refused),
      [],
    );
    assert.ok(
      writes.slice(2).every((w) => w.known && (w.kind === 'own' || w.onKnown)),
      'all on known heads',
    );
    const rows = await store.range(id, 'us-js', 1, 100);
    assert.deepEqual(
      rows.map((r) => r.seq),
      rows.map((_, i) => i + 1),
    );
    const serials = rows.filter((r) => r.type === 'message').map((r) => JSON.parse(r.body).serial);
    assert.deepEqual(serials, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(rows.filter((r) => r.type === 'receipt').length, 7);
    assert.equal((await store.head(id, 'cn-jsd'))?.seq, 7);
  });
});

/**
 * What a database crash does to an unflushed commit: the feed's entries after
 * `keep` are gone, with their tree nodes and references, and its head is back
 * at `keep`. Written with the store's own connection, as the server would
 * come back; the node using the store is not told.
 */
async function loseTail(store: Store, channel: string, author: string, keep: number): Promise<void> {
  const db = databaseOf(store);
  const gone = await db
    .selectFrom('entries')
    .select('id')
    .where('channel', '=', channel)
    .where('author', '=', author)
    .where('seq', '>', keep)
    .execute();
  const kept = await db
    .selectFrom('entries')
    .select(['id', 'time'])
    .where('channel', '=', channel)
    .where('author', '=', author)
    .where('seq', '=', keep)
    .executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    for (const { id } of gone) {
      await trx.deleteFrom('entry_refs').where('channel', '=', channel).where('from_id', '=', id).execute();
    }
    await trx
      .deleteFrom('entries')
      .where('channel', '=', channel)
      .where('author', '=', author)
      .where('seq', '>', keep)
      .execute();
    // A node covering leaf `keep` or later (leaves are counted from 0) was made by the entries lost.
    await trx
      .deleteFrom('merkle_nodes')
      .where('channel', '=', channel)
      .where('author', '=', author)
      .where(sql<number>`(idx + 1) * (1 << level)`, '>', keep)
      .execute();
    await trx
      .updateTable('feeds')
      .set({ seq: keep, id: kept.id, time: kept.time, tree_size: keep })
      .where('channel', '=', channel)
      .where('author', '=', author)
      .execute();
  });
}
