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
    return { store, channel: channelState(row), entries };
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
});
