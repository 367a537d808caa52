import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type JsonValue, type SignedEntry, signEntry } from '@parley/record';
import { systemClock } from '../clock/clock.js';
import { openSqlite } from '../store/dialects/sqlite.js';
import { KyselyStore } from '../store/kysely-store.js';
import { messageBody, twoPartyChannel } from './_fixtures.js';
import { ParleyNode } from './node.js';

/**
 * The safety of unflushed commits (docs/decisions/0024) rests on the node:
 * whatever it signs — above all a receipt naming a peer's entries — commits
 * flushed, so the peer's entries it names are durable first. Here a node's
 * store reports each write transaction's durability, in order.
 */
describe('which of a node’s commits wait for the disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-durability-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const { id, row, us, cn } = twoPartyChannel('durability');
    const dialect = openSqlite({ sqlitePath: join(dir, `${Math.random()}.sqlite`) });
    const commits: string[] = [];
    const db = new Proxy(dialect.db, {
      get(target, key) {
        if (key === 'transaction') {
          return () => {
            commits.push('flushed');
            return target.transaction();
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const store = new KyselyStore({
      ...dialect,
      db,
      unflushedTransaction: (fn) => {
        commits.push('unflushed');
        return dialect.unflushedTransaction(fn);
      },
    });
    await store.migrate();
    await store.putChannel(row);
    const node = new ParleyNode({ party: 'us-js', signer: us, store, clock: systemClock });
    let prev: string | null = null;
    let seq = 0;
    /** The peer's next entry. */
    const peer = (type: string, body: JsonValue, heads: SignedEntry['header']['heads'] = {}): SignedEntry => {
      seq++;
      const signed = signEntry(
        { channel: id, author: 'cn-jsd', seq, prev, time: new Date().toISOString(), type, heads, body },
        cn,
      );
      prev = signed.id;
      return JSON.parse(JSON.stringify(signed.entry)) as SignedEntry;
    };
    const message = () => messageBody(seq + 1);
    return { id, node, store, commits, peer, message };
  }

  it('a peer’s message and our receipt naming it: one flushed commit; the peer’s receipts alone: unflushed', async () => {
    const { id, node, store, commits, peer, message } = await setup();
    try {
      commits.length = 0;
      const sent = peer('message', message());
      const answer = await node.ingest(id, [sent]);
      assert.ok(answer.receipt, 'a message is answered with a receipt');
      assert.equal(answer.receipt.header.heads['cn-jsd']?.seq, sent.header.seq);
      assert.deepEqual(commits, ['flushed'], 'the message and the receipt naming it commit together, flushed');

      commits.length = 0;
      const own = await node.append(id, { type: 'receipt', body: {} });
      assert.deepEqual(commits, ['flushed'], 'an own entry always commits flushed');

      commits.length = 0;
      const ack = peer('receipt', {}, { 'us-js': { seq: own.entry.header.seq, id: own.id } });
      const quiet = await node.ingest(id, [ack]);
      assert.equal(quiet.receipt, undefined, 'a receipt is never answered by another receipt');
      assert.deepEqual(commits, ['unflushed'], 'the peer’s receipt alone needs no flush');
      assert.equal((await store.heads(id))['cn-jsd']?.seq, ack.header.seq);

      // Our next entry names it, and commits flushed: what it names is durable first.
      commits.length = 0;
      const next = await node.append(id, { type: 'receipt', body: {} });
      assert.equal(next.entry.header.heads['cn-jsd']?.seq, ack.header.seq);
      assert.deepEqual(commits, ['flushed']);
    } finally {
      await store.close();
    }
  });
});
