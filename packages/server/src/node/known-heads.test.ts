import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Ed25519Signer, type JsonValue, type SignedEntry, signEntry, signRotation, toBase64url } from '@parley/record';
import { systemClock } from '../clock/clock.js';
import { forEachDialect } from '../store/_util.js';
import { messageBody, twoPartyChannel } from './_fixtures.js';
import { channelState } from './channel-state.js';
import { ingestBatch } from './ingest.js';
import { ParleyNode } from './node.js';

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
});
