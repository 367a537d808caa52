import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type SignedEntry, signEntry } from '@parley/record';
import { systemClock } from '../clock/clock.js';
import { openStore } from '../store/open-store.js';
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
describe('feed heads a node remembers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-known-heads-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const { id, row, us, cn } = twoPartyChannel('known heads');
    const store = await openStore({ sqlitePath: join(dir, `${Math.random()}.sqlite`) });
    await store.migrate();
    await store.putChannel(row);
    const reads: string[] = [];
    const head = store.head.bind(store);
    store.head = (channel, author) => {
      reads.push(author);
      return head(channel, author);
    };
    const node = new ParleyNode({ party: 'us-js', signer: us, store, clock: systemClock });
    const entries: SignedEntry[] = [];
    let prev: string | null = null;
    /** The peer's next message. */
    const next = (): SignedEntry => {
      const seq = entries.length + 1;
      const signed = signEntry(
        {
          channel: id,
          author: 'cn-jsd',
          seq,
          prev,
          time: new Date().toISOString(),
          type: 'message',
          body: messageBody(seq),
        },
        cn,
      );
      prev = signed.id;
      entries.push(JSON.parse(JSON.stringify(signed.entry)) as SignedEntry);
      return entries[entries.length - 1]!;
    };
    return { id, row, store, node, reads, next };
  }

  it('verifies a peer’s next batches without reading the feed’s head again', async () => {
    const { id, store, node, reads, next } = await setup();
    try {
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
    } finally {
      await store.close();
    }
  });

  it('a resend is still a duplicate, judged against the entry stored', async () => {
    const { id, store, node, next } = await setup();
    try {
      const sent = [next(), next()];
      await node.ingest(id, sent);
      const again = await node.ingest(id, sent);
      assert.equal(again.stored, 0);
      assert.equal(again.duplicates, 2);
      assert.equal(again.error, undefined);
    } finally {
      await store.close();
    }
  });

  it('a head left behind by another writer: verified again from the store, nothing lost, no false refusal', async () => {
    const { id, row, store, node, reads, next } = await setup();
    try {
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
      assert.deepEqual(reads, ['cn-jsd']);
      assert.equal((await store.head(id, 'cn-jsd'))?.seq, 7);
    } finally {
      await store.close();
    }
  });
});
