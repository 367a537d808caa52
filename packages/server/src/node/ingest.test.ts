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
import { EarlyChecks, ingestBatch } from './ingest.js';

describe('ingesting a large batch (signatures on the worker pool)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-ingest-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(n: number) {
    const { id, row, us } = twoPartyChannel('ingest');
    const store = await openStore({ sqlitePath: join(dir, `${Math.random()}.sqlite`) });
    await store.migrate();
    await store.putChannel(row);
    const entries: SignedEntry[] = [];
    let prev: string | null = null;
    for (let seq = 1; seq <= n; seq++) {
      const signed: { id: string; entry: SignedEntry } = signEntry(
        {
          channel: id,
          author: 'us-js',
          seq,
          prev,
          time: new Date(Date.UTC(2024, 0, 1, 0, 0, seq)).toISOString(),
          type: 'message',
          body: messageBody(seq),
        },
        us,
      );
      entries.push(JSON.parse(JSON.stringify(signed.entry)));
      prev = signed.id;
    }
    return { store, channel: channelState(row), entries, us, id };
  }

  it('stores everything when every signature holds', async () => {
    const { store, channel, entries } = await setup(200);
    const result = await ingestBatch(store, channel, entries, systemClock.now, new Date().toISOString());
    assert.equal(result.stored, 200);
    assert.equal(result.error, undefined);
    assert.equal((await store.head(channel.id, 'us-js'))?.seq, 200);
    await store.close();
  });

  it('stores exactly the entries before a bad signature, and names it', async () => {
    const { store, channel, entries } = await setup(200);
    entries[120]!.sig = entries[119]!.sig;
    const result = await ingestBatch(store, channel, entries, systemClock.now, new Date().toISOString());
    assert.equal(result.stored, 120);
    assert.equal(result.error?.code, 'PARLEY_E_BAD_SIGNATURE');
    assert.equal(result.error?.details.seq, 121);
    assert.equal((await store.head(channel.id, 'us-js'))?.seq, 120);
    await store.close();
  });

  // Decision 0037: a push's forms and signatures checked as it arrives give the same verdicts.
  describe('with its checks started on arrival', () => {
    const ingest = (
      store: Awaited<ReturnType<typeof setup>>['store'],
      channel: Parameters<typeof ingestBatch>[1],
      entries: unknown[],
    ) =>
      ingestBatch(
        store,
        channel,
        entries,
        systemClock.now,
        new Date().toISOString(),
        EarlyChecks.start(entries, channel),
      );

    it('stores everything when every signature holds', async () => {
      const { store, channel, entries } = await setup(200);
      const result = await ingest(store, channel, entries);
      assert.equal(result.stored, 200);
      assert.equal(result.error, undefined);
      await store.close();
    });

    for (const at of [0, 63, 64, 120, 199]) {
      it(`stores exactly the entries before a bad signature at position ${at}, and names it`, async () => {
        const { store, channel, entries } = await setup(200);
        entries[at]!.sig = entries[at === 0 ? 1 : at - 1]!.sig;
        const result = await ingest(store, channel, entries);
        assert.equal(result.stored, at);
        assert.equal(result.error?.code, 'PARLEY_E_BAD_SIGNATURE');
        assert.equal(result.error?.details.seq, at + 1);
        assert.equal((await store.head(channel.id, 'us-js'))?.seq ?? 0, at);
        await store.close();
      });
    }

    it('refuses at a malformed entry as in its turn, whatever the signatures after it', async () => {
      const { store, channel, entries } = await setup(200);
      const raw: unknown[] = [...entries];
      raw[150] = { header: { ...entries[150]!.header, seq: 'x' }, sig: entries[150]!.sig, body: entries[150]!.body };
      entries[170]!.sig = entries[169]!.sig;
      const result = await ingest(store, channel, raw);
      assert.equal(result.stored, 150);
      assert.equal(result.error?.code, 'PARLEY_E_HEADER');
      await store.close();
    });

    it('stores exactly the entries before a bad signature in its second batch for the pool (position 300 of 512)', async () => {
      const { store, channel, entries } = await setup(512);
      entries[300]!.sig = entries[299]!.sig;
      const result = await ingest(store, channel, entries);
      assert.equal(result.stored, 300);
      assert.equal(result.error?.details.seq, 301);
      await store.close();
    });

    it('takes a resend as such, and proves a fork at a seq it holds on a signature checked in line', async () => {
      const { store, channel, entries, us, id } = await setup(200);
      assert.equal((await ingest(store, channel, entries.slice(0, 100))).stored, 100);
      const again = entries.slice(0, 100).map((e) => JSON.parse(JSON.stringify(e)) as SignedEntry);
      // Seq 100 signed again over another body: a fork of the entry held there.
      const other = signEntry(
        { ...entries[99]!.header, type: 'message', body: messageBody(1000) } as Parameters<typeof signEntry>[0],
        us,
      ).entry;
      assert.equal(other.header.channel, id);
      const resent = await ingest(store, channel, again);
      assert.equal(resent.duplicates, 100);
      assert.equal(resent.error, undefined);
      const forked = await ingest(store, channel, [...again.slice(0, 99), JSON.parse(JSON.stringify(other))]);
      assert.equal(forked.forks.length, 1);
      assert.equal(forked.forks[0]!.proof.seq, 100);
      assert.equal(forked.stored, 0);
      assert.equal((await store.head(channel.id, 'us-js'))?.seq, 100);
      await store.close();
    });
  });
});

describe('EarlyChecks', () => {
  it('starts only for a batch of 64 entries or more', () => {
    const { row } = twoPartyChannel('sizes');
    const channel = channelState(row);
    assert.equal(
      EarlyChecks.start(
        Array.from({ length: 63 }, () => ({})),
        channel,
      ),
      undefined,
    );
    assert.ok(
      EarlyChecks.start(
        Array.from({ length: 64 }, () => ({})),
        channel,
      ),
    );
    assert.equal(
      EarlyChecks.start(
        Array.from({ length: 513 }, () => ({})),
        channel,
      ),
      undefined,
      'over the batch limit',
    );
  });

  it("hands over each entry's form as checked on arrival, and its signature's verdict from the pool", async () => {
    const { raw, channel } = feed(70);
    raw[5]!.sig = raw[4]!.sig;
    raw[40] = { header: 'not a header' } as unknown as SignedEntry;
    const early = EarlyChecks.start(raw, channel)!;
    assert.equal(early.sent, 40);
    const first = early.form(raw[0]);
    assert.equal(early.form(raw[0]), first, 'the form checked on arrival, not checked again');
    assert.equal(await early.verdict(first), true);
    assert.equal(await early.verdict(early.form(raw[5])), false);
    assert.equal(await early.verdict(early.form(raw[39])), true);
    // From the first malformed entry on, nothing was checked on arrival: the verifier checks in its turn.
    assert.throws(() => early.form(raw[40]), { code: 'PARLEY_E_HEADER' });
    const later = early.form(raw[41]);
    assert.notEqual(early.form(raw[41]), later);
    assert.equal(early.verdict(later), undefined);
    await early.settled;
  });

  it('settles once every signature it sent has its verdict (what a node waits for before counting a push out)', async () => {
    const { raw, channel } = feed(512);
    const early = EarlyChecks.start(raw, channel)!;
    assert.equal(early.sent, 512);
    const verdicts = raw.map((input) => early.verdict(early.form(input))!);
    const done = verdicts.map(() => false);
    for (const [i, v] of verdicts.entries()) void v.then(() => (done[i] = true));
    await early.settled;
    await Promise.resolve(); // the verdicts' own handlers, queued before settled's
    assert.equal(done.filter((d) => !d).length, 0);
  });

  // Only what the verifier is bound to check in the push's turn is sent to the pool.
  for (const [what, spoil, sent] of [
    ['a break in the chain', (raw: SignedEntry[]) => raw.splice(30, 1), 30],
    [
      'an entry of another channel',
      (raw: SignedEntry[]) => (raw[20]!.header.channel = twoPartyChannel('other').id),
      20,
    ],
    [
      'an entry by a party not a member (no key in force)',
      (raw: SignedEntry[]) => (raw[10]!.header.author = 'xx-yy'),
      10,
    ],
    [
      'a key not in force',
      (raw: SignedEntry[]) => (raw[0]!.header.key = raw[0]!.header.key.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))),
      0,
    ],
  ] as const) {
    it(`sends nothing to the pool from ${what} on`, async () => {
      const { raw, channel } = feed(100);
      spoil(raw);
      const early = EarlyChecks.start(raw, channel)!;
      assert.equal(early.sent, sent);
      await early.settled;
    });
  }

  function feed(n: number) {
    const { id, us, row } = twoPartyChannel('early');
    const raw: SignedEntry[] = [];
    let prev: string | null = null;
    for (let seq = 1; seq <= n; seq++) {
      const signed: { id: string; entry: SignedEntry } = signEntry(
        {
          channel: id,
          author: 'us-js',
          seq,
          prev,
          time: '2024-01-01T00:00:00.000Z',
          type: 'message',
          body: messageBody(seq),
        },
        us,
      );
      raw.push(JSON.parse(JSON.stringify(signed.entry)));
      prev = signed.id;
    }
    return { raw, channel: channelState(row) };
  }
});
