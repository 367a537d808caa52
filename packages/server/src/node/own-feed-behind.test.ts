import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isParleyError } from '@parley/contract';
import { type JsonValue, type SignedEntry, type Signer, signEntry } from '@parley/record';
import { systemClock } from '../clock/clock.js';
import { openSqlite } from '../store/dialects/sqlite.js';
import { KyselyStore } from '../store/kysely-store.js';
import { eventually } from '../test-util/nodes.js';
import { messageBody, twoPartyChannel } from './_fixtures.js';
import { ParleyNode } from './node.js';

/**
 * A node restored from an older copy holds less of its own feed than its
 * peers do. Answering a peer's message with a receipt at its restored head
 * would sign a second entry at a seq the peer already holds: a fork
 * (docs/decisions/0027). Here us-js's store lacks its own first entries,
 * which cn-jsd names in its heads, as after a restore.
 */
describe('a node whose own feed is behind what a member names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-behind-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(claimGraceMs?: number) {
    const { id, row, us, cn } = twoPartyChannel('behind');
    const store = new KyselyStore(openSqlite({ sqlitePath: join(dir, `${Math.random()}.sqlite`) }));
    await store.migrate();
    await store.putChannel(row);
    const node = new ParleyNode({
      party: 'us-js',
      signer: us,
      store,
      clock: systemClock,
      ...(claimGraceMs ? { claimGraceMs } : {}),
    });
    /** Signs a chain of entries of `author`, as it wrote them elsewhere. */
    const chain = (author: string, signer: Signer) => {
      let prev: string | null = null;
      let seq = 0;
      return (type: string, body: JsonValue, heads: SignedEntry['header']['heads'] = {}) => {
        seq++;
        const signed = signEntry(
          { channel: id, author, seq, prev, time: new Date().toISOString(), type, heads, body },
          signer,
        );
        prev = signed.id;
        return { id: signed.id, entry: JSON.parse(JSON.stringify(signed.entry)) as SignedEntry };
      };
    };
    return { id, node, store, ours: chain('us-js', us), theirs: chain('cn-jsd', cn) };
  }

  const behind = (error: unknown) => isParleyError(error) && error.code === 'PARLEY_E_OWN_FEED_BEHIND';

  it('signs nothing until it holds its own feed as far as the member names, then continues it', async () => {
    const { id, node, store, ours, theirs } = await setup();
    try {
      // us-js wrote two entries that its restored store lacks; cn-jsd holds them and names the second.
      const lost = [ours('message', messageBody(1)), ours('message', messageBody(2))];
      const named = { 'us-js': { seq: 2, id: lost[1]!.id } };
      const message = theirs('message', messageBody(1), named).entry;

      await assert.rejects(node.ingest(id, [message]), behind, 'no receipt at the restored head');
      assert.equal((await store.heads(id))['cn-jsd'], undefined, 'nor is the message stored: its sender retries');
      await assert.rejects(node.append(id, { type: 'message', body: messageBody(3) }), behind, 'nor an own message');

      // The link pulls the node's own feed back from cn-jsd.
      await node.ingest(
        id,
        lost.map((l) => l.entry),
      );
      assert.equal((await store.head(id, 'us-js'))?.seq, 2);

      const answer = await node.ingest(id, [message]);
      assert.ok(answer.receipt, 'now the message is answered');
      assert.equal(answer.receipt.header.seq, 3);
      assert.equal(answer.receipt.header.prev, lost[1]!.id, 'continuing the feed cn-jsd holds: no fork');
    } finally {
      await store.close();
    }
  });

  it('a member’s heartbeat saying it holds more of our feed stops signing too, before any of its entries arrives', async () => {
    const { id, node, store, ours, theirs } = await setup();
    try {
      // us-js wrote two entries its restored store lacks; cn-jsd's link answers a heartbeat holding them.
      const lost = [ours('message', messageBody(1)), ours('message', messageBody(2))];
      node.noteHeldByMember(id, 'cn-jsd', 2);
      await assert.rejects(
        node.append(id, { type: 'message', body: messageBody(3) }),
        behind,
        'no own message at the restored head',
      );
      await assert.rejects(node.ingest(id, [theirs('message', messageBody(1)).entry]), behind, 'nor a receipt');
      // Its own entries pulled back, the node signs again, continuing them.
      await node.ingest(
        id,
        lost.map((l) => l.entry),
      );
      const sent = await node.append(id, { type: 'message', body: messageBody(3) });
      assert.equal(sent.entry.header.seq, 3);
      assert.equal(sent.entry.header.prev, lost[1]!.id);
    } finally {
      await store.close();
    }
  });

  it('a heartbeat holding nothing of ours, or naming ourselves, is no claim', async () => {
    const { id, node, store } = await setup();
    try {
      node.noteHeldByMember(id, 'cn-jsd', 0);
      node.noteHeldByMember(id, 'us-js', 7);
      assert.equal((await node.append(id, { type: 'message', body: messageBody(1) })).entry.header.seq, 1);
    } finally {
      await store.close();
    }
  });

  it('disbelieves a claim the member does not back within the grace, and signs again', async () => {
    const { id, node, store, theirs } = await setup(100);
    try {
      const lie = { 'us-js': { seq: 5, id: 'A'.repeat(43) } };
      const message = theirs('message', messageBody(1), lie).entry;
      await assert.rejects(node.ingest(id, [message]), behind);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const answer = await node.ingest(id, [message]);
      assert.equal(answer.receipt?.header.seq, 1, 'the grace ran out: the node signs at its own head');
      await eventually(async () => (await store.openAlarms()).find((a) => a.kind === 'unbacked-claim'));
      const alarm = (await store.openAlarms()).find((a) => a.kind === 'unbacked-claim')!;
      assert.match(alarm.message, /cn-jsd named us-js's feed at seq 5 but did not back it/);
      // The member's later claims are not believed again while the node runs.
      const again = theirs('message', messageBody(2), { 'us-js': { seq: 9, id: `${'B'.repeat(42)}A` } }).entry;
      const later = await node.ingest(id, [again]);
      assert.equal(later.error, undefined);
      assert.ok(later.receipt);
      assert.ok((await node.append(id, { type: 'message', body: messageBody(2) })).entry);
    } finally {
      await store.close();
    }
  });
});
