import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { minute, nodePair, type Pair } from '../hotline/_util.js';
import { forEachDialect } from '../store/_util.js';
import type { Store } from '../store/store.js';
import { engagementState } from './act.js';
import { foldEngagement } from './fold.js';
import { loadRecord } from './record-view.js';

const propose = (p: Pair, who: 'us' | 'cn', text: string) =>
  p[who].append(p.channel, { type: 'commitment-propose', body: { text, language: 'en' }, refs: [] });

/** A store that forwards to whichever store `to` names now (the same object to the cache). */
function switchable(first: Store): { store: Store; to(next: Store): void } {
  let current = first;
  const store = new Proxy({} as Store, {
    get: (_target, key) => {
      const value = (current as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return { store, to: (next) => (current = next) };
}

forEachDialect('engagement record cache, keyed by the feeds heads', (t) => {
  let p: Pair;
  before(async () => {
    p = await nodePair(t);
  });

  /** What a store that never read the channel before reads: the reference. */
  async function fresh(): Promise<readonly unknown[]> {
    const other = await t.open(p.configs.us);
    return loadRecord(other, p.channel);
  }

  it('answers the same array while nothing is appended, and grows to what a full read gives', async () => {
    await propose(p, 'us', 'one');
    await p.us.append(p.channel, { type: 'receipt', body: {} });
    const first = await loadRecord(p.us.store, p.channel);
    assert.equal(first.length, 1);
    assert.equal(await loadRecord(p.us.store, p.channel), first, 'no new entry: the cached array');

    // Non-engagement entries move a head: read on from the cached seq, and still the same array (no new fold).
    await p.us.append(p.channel, { type: 'receipt', body: {} });
    assert.equal(await loadRecord(p.us.store, p.channel), first);

    // A peer's entry with an earlier time (its clock behind ours) lands in causal order, as a full read puts it.
    p.clock.advance(minute);
    await propose(p, 'us', 'two');
    p.clock.advance(-minute / 2);
    await propose(p, 'cn', 'from cn, clock behind');
    await p.settle();
    const grown = await loadRecord(p.us.store, p.channel);
    assert.deepEqual(
      grown.map((e) => (e.body as { text: string }).text),
      ['one', 'from cn, clock behind', 'two'],
    );
    assert.deepEqual(grown, await fresh());
  });

  it('folds again only when the record changed, to the state a fold from scratch gives', async () => {
    const a = await engagementState(p.us, p.channel);
    assert.equal(await engagementState(p.us, p.channel), a);
    await p.us.append(p.channel, { type: 'receipt', body: {} });
    assert.equal(await engagementState(p.us, p.channel), a, 'a receipt changes no engagement state: no new fold');
    await propose(p, 'us', 'three');
    const b = await engagementState(p.us, p.channel);
    assert.notEqual(b, a);
    assert.equal(b.commitments.items.size, a.commitments.items.size + 1);
    const scratch = foldEngagement(p.charter, (await fresh()) as Parameters<typeof foldEngagement>[1]);
    assert.deepEqual([...b.commitments.items.keys()], [...scratch.commitments.items.keys()]);
  });

  it('reads afresh when the feeds are not the ones it cached (a database swapped under the process)', async () => {
    // Same charter, same channel id, same keys: a second pair whose us-js feed says other things.
    const q = await nodePair(t);
    assert.equal(q.channel, p.channel);
    const s = switchable(p.us.store);
    const before = await loadRecord(s.store, p.channel);
    // Longer feeds on both sides, so the cache would only have to read on from its heads, were the feeds the same.
    const texts: string[] = [];
    for (let i = 0; i < 12; i++) texts.push(`us ${i}`, `cn ${i}`);
    for (const text of texts) await propose(q, text.startsWith('us') ? 'us' : 'cn', text);
    await q.settle();
    const [was, now] = [await p.us.store.heads(p.channel), await q.us.store.heads(q.channel)];
    for (const party of ['us-js', 'cn-jsd']) assert.ok(now[party]!.seq > was[party]!.seq, party);
    s.to(q.us.store);
    const after = await loadRecord(s.store, p.channel);
    assert.notDeepEqual(after, before);
    assert.deepEqual(after.map((e) => (e.body as { text: string }).text).sort(), texts.sort());
  });
});
