import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredEntryRow } from '../store/store.js';
import { RecentRows } from './recent-rows.js';

const row = (seq: number, author = 'us-js', channel = 'c1'): StoredEntryRow => ({
  channel,
  author,
  seq,
  id: `${channel}-${author}-${seq}`,
  type: 'message',
  time: '2026-11-27T08:00:00.000Z',
  header: '{}',
  sig: 'sig',
  body: '{}',
  storedAt: '2026-11-27T08:00:00.000Z',
  flags: '[]',
});
const rows = (from: number, to: number, author?: string, channel?: string) =>
  Array.from({ length: to - from + 1 }, (_, i) => row(from + i, author, channel));
const seqs = (list: StoredEntryRow[] | undefined) => list?.map((r) => r.seq);

describe('RecentRows: what was just written, for the push loop', () => {
  it('joins contiguous runs of a feed and answers any range within them', () => {
    const recent = new RecentRows();
    recent.add(rows(1, 3));
    recent.add(rows(4, 6));
    assert.deepEqual(seqs(recent.range('c1', 'us-js', 1, 6)), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(seqs(recent.range('c1', 'us-js', 3, 4)), [3, 4]);
    assert.deepEqual(seqs(recent.range('c1', 'us-js', 6, 6)), [6]);
    assert.equal(recent.size, 6);
  });

  it('answers all or nothing: a range reaching past either end, or another feed, is undefined', () => {
    const recent = new RecentRows();
    recent.add(rows(5, 8));
    assert.equal(recent.range('c1', 'us-js', 4, 6), undefined, 'before the run');
    assert.equal(recent.range('c1', 'us-js', 7, 9), undefined, 'after the run');
    assert.equal(recent.range('c1', 'cn-jsd', 5, 6), undefined, 'another author');
    assert.equal(recent.range('c2', 'us-js', 5, 6), undefined, 'another channel');
    assert.equal(recent.range('c1', 'us-js', 6, 5), undefined, 'an empty range');
  });

  it('starts the run again after a gap (rows another process wrote are not held)', () => {
    const recent = new RecentRows();
    recent.add(rows(1, 3));
    recent.add(rows(7, 8));
    assert.equal(recent.range('c1', 'us-js', 3, 7), undefined);
    assert.equal(recent.range('c1', 'us-js', 1, 3), undefined, 'the earlier run is gone');
    assert.deepEqual(seqs(recent.range('c1', 'us-js', 7, 8)), [7, 8]);
    assert.equal(recent.size, 2);
  });

  it("keeps only a feed's newest rows, and drops the feeds written longest ago first", () => {
    const recent = new RecentRows(4, 6);
    recent.add(rows(1, 6, 'us-js'));
    assert.deepEqual(seqs(recent.range('c1', 'us-js', 3, 6)), [3, 4, 5, 6]);
    assert.equal(recent.range('c1', 'us-js', 2, 3), undefined);
    recent.add(rows(1, 2, 'cn-jsd'));
    assert.equal(recent.size, 6);
    recent.add(rows(1, 1, 'jp-jso'));
    assert.equal(recent.range('c1', 'us-js', 3, 3), undefined, 'the oldest feed went');
    assert.deepEqual(seqs(recent.range('c1', 'cn-jsd', 1, 2)), [1, 2]);
    assert.deepEqual(seqs(recent.range('c1', 'jp-jso', 1, 1)), [1]);
    assert.equal(recent.size, 3);
    recent.add(rows(3, 7, 'cn-jsd'));
    assert.equal(recent.size, 5, 'cn-jsd kept its newest 4, jp-jso its 1');
    assert.deepEqual(seqs(recent.range('c1', 'cn-jsd', 4, 7)), [4, 5, 6, 7]);
  });

  it('hands out copies: a caller changing its batch changes nothing held', () => {
    const recent = new RecentRows();
    recent.add(rows(1, 3));
    recent.range('c1', 'us-js', 1, 3)!.pop();
    assert.deepEqual(seqs(recent.range('c1', 'us-js', 1, 3)), [1, 2, 3]);
  });
});
