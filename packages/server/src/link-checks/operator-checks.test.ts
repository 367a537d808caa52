import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Role } from '@parley/contract';
import { type ApiPair, apiPair } from '../api/_node-util.js';
import { act } from '../engagement/act.js';
import { loadMetricEntries } from '../metrics/load.js';
import type { ParleyNode } from '../node/node.js';
import { forEachDialect } from '../store/_util.js';
import { listOperatorChecks, operatorCheckCacheSize, operatorCheckViews } from './operator-checks.js';

const minute = 60_000;
const usWatch = { user: 'us-watch', roles: ['operator'] as Role[] };
const cnWatch = { user: 'cn-watch', roles: ['operator'] as Role[] };

forEachDialect('operator checks: the cache holds the checks, not the record', (t) => {
  let p: ApiPair;
  before(async () => {
    p = await apiPair(t);
  });
  after(() => p.close());

  /** The list as the cached index gives it, and as the whole record read afresh gives it (the reference). */
  const both = async (node: ParleyNode) => {
    const listed = await listOperatorChecks(node, p.channel);
    const reference = operatorCheckViews(
      node.party,
      ['us-js', 'cn-jsd'],
      await loadMetricEntries(node.store, p.channel),
      node.now(),
    );
    return { listed, reference };
  };
  const receipts = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await p.us.append(p.channel, { type: 'receipt', body: {} });
      await p.cn.append(p.channel, { type: 'receipt', body: {} });
      if (i % 25 === 0) await p.settle();
    }
    await p.settle();
  };

  it('gives the answers of the whole record, read at once and then grown', async () => {
    const heard = await act(p.us, p.channel, 'link-check', { answerWithinSeconds: 1800 }, usWatch);
    await p.settle();
    await receipts(60);
    const theirs = await act(p.cn, p.channel, 'link-check', { answerWithinSeconds: 1800 }, cnWatch);
    await p.settle();
    // First read on both sides: one feed is streamed before the other's checks are met.
    for (const node of [p.us, p.cn]) {
      const { listed, reference } = await both(node);
      assert.equal(listed.length, 2);
      assert.deepEqual(listed, reference);
    }
    const lost = await act(p.us, p.channel, 'link-check', { answerWithinSeconds: 1800 }, usWatch);
    await act(p.us, p.channel, 'link-check-answer', { check: theirs.id }, usWatch);
    await p.us.append(p.channel, { type: 'receipt', body: {} });
    await p.cn.append(p.channel, { type: 'receipt', body: {} });
    p.clock.advance(31 * minute);
    for (const node of [p.us, p.cn]) {
      const { listed, reference } = await both(node);
      assert.deepEqual(listed, reference);
    }
    const views = new Map((await listOperatorChecks(p.us, p.channel)).map((v) => [v.id, v]));
    assert.deepEqual(
      [views.get(heard.id)?.silence, views.get(lost.id)?.silence, views.get(theirs.id)?.state],
      ['political', 'technical', 'answered'],
    );
    await p.settle();
    for (const node of [p.us, p.cn]) {
      const { listed, reference } = await both(node);
      assert.deepEqual(listed, reference);
    }
  });

  it('grows with the checks, not with the entries', async () => {
    const sizeBefore = await operatorCheckCacheSize(p.us.store, p.channel);
    assert.ok(sizeBefore > 0);
    await receipts(300);
    await listOperatorChecks(p.us, p.channel);
    const afterReceipts = await operatorCheckCacheSize(p.us.store, p.channel);
    assert.equal(afterReceipts, sizeBefore, `${sizeBefore} items before 600 receipts, ${afterReceipts} after`);
    await act(p.us, p.channel, 'link-check', { answerWithinSeconds: 1800 }, usWatch);
    await p.settle();
    await listOperatorChecks(p.us, p.channel);
    const afterCheck = await operatorCheckCacheSize(p.us.store, p.channel);
    assert.ok(afterCheck > afterReceipts && afterCheck <= afterReceipts + 4, `${afterReceipts} → ${afterCheck}`);
    const { listed, reference } = await both(p.us);
    assert.deepEqual(listed, reference);
  });

  it('reads once when asked twice at the same time', async () => {
    await receipts(30);
    await act(p.cn, p.channel, 'link-check', { answerWithinSeconds: 1800 }, cnWatch);
    await p.settle();
    const [a, b] = await Promise.all([listOperatorChecks(p.us, p.channel), listOperatorChecks(p.us, p.channel)]);
    assert.deepEqual(a, b);
    assert.equal(new Set(a.map((v) => v.id)).size, a.length, 'no check listed twice');
    assert.deepEqual(a, (await both(p.us)).reference);
  });
});
