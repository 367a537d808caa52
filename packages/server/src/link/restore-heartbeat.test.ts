import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { examples, isParleyError } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, type Party, tempRoot } from '../test-util/nodes.js';

// docs/operations.md "Backup and restore", with the peer idle: us-js is
// restored from a copy that lacks two of its own messages cn-jsd holds, and
// cn-jsd writes nothing meanwhile, so no entry of it reaches us-js to name
// them. Its link's heartbeat answer says how much of us-js's feed it holds:
// from the first one, us-js signs nothing in the channel until it has pulled
// its own messages back (decision 0033). cn-jsd's answers to that pull are
// held up here, so that a send comes in between. Both nodes in this process
// (their links can be inspected); link logic, the same on both databases:
// SQLite.
describe('a node restored while its peer is idle', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let usServed: Serving;
  let cnServed: Serving;
  let channel = '';
  let release: () => void = () => undefined;

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    usServed = await serve(us.dir, { heartbeatMs: 1000 });
    cnServed = await serve(cn.dir, { heartbeatMs: 600_000 });
    const { id } = (await operations['channel-propose'](
      { open: usServed.open, link: usServed.link },
      { name: 'idle peer', members: 'us-js,cn-jsd' },
    )) as { id: string };
    await eventually(async () => (await cnServed.open.store.getChannel(id)) !== undefined, 20_000, 'offer');
    await operations['channel-accept']({ open: cnServed.open, link: cnServed.link }, { channel: id });
    await eventually(async () => (await usServed.open.store.getChannel(id))?.state === 'active', 20_000, 'active');
    channel = id;
  });
  after(async () => {
    release();
    await usServed?.stop();
    await cnServed?.stop();
    cleanup();
  });

  let serial = 0;
  const send = async () => {
    const { translation: _, ...plain } = examples.message;
    serial++;
    const body = { ...plain, subject: `m ${serial}`, serial, attachments: [] } as unknown as JsonValue;
    return (await usServed.open.node.append(channel, { type: 'message', body })).entry.header;
  };
  /** cn-jsd holds us-js's feed up to `seq`. */
  const held = (seq: number) =>
    eventually(async () => ((await cnServed.open.store.head(channel, 'us-js'))?.seq ?? 0) >= seq, 20_000, `seq ${seq}`);

  it('signs nothing from the first heartbeat answered until its own entries are back: no fork', async () => {
    const first = await send();
    await held(first.seq);
    // A copy of us-js's database, taken while it is stopped; then two more messages that cn-jsd stores.
    const ours = join(us.dir, 'parley.sqlite');
    const copy = join(root, 'us-copy');
    await usServed.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(ours + suffix)) copyFileSync(ours + suffix, copy + suffix);
    }
    usServed = await serve(us.dir, { heartbeatMs: 1000 });
    await send();
    const third = await send();
    await held(third.seq);
    await usServed.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(ours + suffix, { force: true });
      if (existsSync(copy + suffix)) copyFileSync(copy + suffix, ours + suffix);
    }
    // cn-jsd answers pulls of us-js's feed only when released.
    const store = cnServed.open.node.store;
    const range = store.range.bind(store);
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    store.range = async (...args) => {
      if (args[1] === 'us-js') await released;
      return range(...args);
    };

    usServed = await serve(us.dir, { heartbeatMs: 1000 });
    const link = usServed.link.links.get('cn-jsd')!;
    await eventually(async () => link.endpoints[0]!.lastContact !== null, 20_000, 'a heartbeat answered');
    assert.equal((await usServed.open.store.head(channel, 'us-js'))?.seq, first.seq, 'restored, not yet pulled back');
    await assert.rejects(
      send(),
      (error: unknown) => isParleyError(error, 'PARLEY_E_OWN_FEED_BEHIND'),
      'a send at the restored head would fork the feed cn-jsd holds',
    );

    release();
    await eventually(
      async () => ((await usServed.open.store.head(channel, 'us-js'))?.seq ?? 0) >= third.seq,
      20_000,
      'its own messages pulled back',
    );
    const next = await send();
    assert.equal(next.seq, third.seq + 1, 'continuing the feed cn-jsd holds');
    await held(next.seq);
    assert.deepEqual(await cnServed.open.store.listForks(channel), [], 'cn-jsd holds no fork of us-js');
    assert.deepEqual(await usServed.open.store.listForks(channel), []);
  });

  /** Stops us-js, copies its database, lets it write two more messages cn-jsd stores, then puts the copy back: us-js stays stopped. */
  const restoreFromCopy = async (): Promise<{ restored: number; lost: number }> => {
    const ours = join(us.dir, 'parley.sqlite');
    const copy = join(root, 'us-copy-2');
    const restored = (await usServed.open.store.head(channel, 'us-js'))!.seq;
    await usServed.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(copy + suffix, { force: true });
      if (existsSync(ours + suffix)) copyFileSync(ours + suffix, copy + suffix);
    }
    usServed = await serve(us.dir, { heartbeatMs: 1000 });
    await send();
    const lost = (await send()).seq;
    await held(lost);
    await usServed.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(ours + suffix, { force: true });
      if (existsSync(copy + suffix)) copyFileSync(copy + suffix, ours + suffix);
    }
    return { restored, lost };
  };

  /** Holds cn-jsd's answers to heartbeats (their route lists the channels first) until the returned function is called. */
  const holdHeartbeatAnswers = (): (() => void) => {
    const store = cnServed.open.node.store;
    const list = store.listChannels.bind(store);
    let letThrough: () => void = () => undefined;
    const through = new Promise<void>((resolve) => {
      letThrough = resolve;
    });
    store.listChannels = async () => {
      await through;
      return list();
    };
    return () => {
      store.listChannels = list;
      letThrough();
    };
  };

  it('signs nothing from its start until the first heartbeat is answered: a send waits for it (decision 0035)', async () => {
    const { restored, lost } = await restoreFromCopy();
    const answer = holdHeartbeatAnswers();
    // The pull that the answer starts is held as well, so that the send meets the claim, not the entries back.
    const store = cnServed.open.node.store;
    const range = store.range;
    let pulled: () => void = () => undefined;
    const pulling = new Promise<void>((resolve) => {
      pulled = resolve;
    });
    store.range = async (...args) => {
      if (args[1] === 'us-js') await pulling;
      return range(...args);
    };
    try {
      // A 5 s heartbeat deadline: the answer let through below comes well inside it.
      usServed = await serve(us.dir, { heartbeatMs: 5000 });
      let settled = false;
      const sending = send().finally(() => {
        settled = true;
      });
      sending.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(settled, false, 'the send waits for cn-jsd to answer the first heartbeat');
      assert.equal((await usServed.open.store.head(channel, 'us-js'))?.seq, restored, 'nothing signed meanwhile');
      answer();
      await assert.rejects(
        sending,
        (error: unknown) => isParleyError(error, 'PARLEY_E_OWN_FEED_BEHIND'),
        'the answer says cn-jsd holds more of our feed: a send at the restored head would fork it',
      );
    } finally {
      answer();
      store.range = range;
      pulled();
    }
    await eventually(
      async () => ((await usServed.open.store.head(channel, 'us-js'))?.seq ?? 0) >= lost,
      20_000,
      'its own messages pulled back',
    );
    const next = await send();
    assert.equal(next.seq, lost + 1, 'continuing the feed cn-jsd holds');
    await held(next.seq);
    assert.deepEqual(await cnServed.open.store.listForks(channel), [], 'cn-jsd holds no fork of us-js');
  });

  it('a peer that does not answer holds its signing only until the heartbeat has run out its time', async () => {
    const before = (await usServed.open.store.head(channel, 'us-js'))!.seq;
    await usServed.stop();
    const answer = holdHeartbeatAnswers();
    try {
      const started = Date.now();
      usServed = await serve(us.dir, { heartbeatMs: 1000 });
      const sent = await send();
      const waited = Date.now() - started;
      assert.equal(sent.seq, before + 1);
      // The heartbeat's deadline is 2 s here (at least 2 s, at least one period), from the link's start
      // inside serve(): the send waited for it, then went on.
      assert.ok(waited >= 1900, `the send waited for the first heartbeat's deadline: ${waited} ms`);
    } finally {
      answer();
    }
    await held(before + 1);
    assert.deepEqual(await cnServed.open.store.listForks(channel), []);
  });
});
