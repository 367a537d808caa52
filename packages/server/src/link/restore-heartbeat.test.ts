import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { examples, isParleyError } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, freePort, initParties, type Party, tempRoot } from '../test-util/nodes.js';

// docs/operations.md "Backup and restore", with the peer idle: us-js is
// restored from a copy that lacks two of its own messages cn-jsd holds, and
// cn-jsd writes nothing meanwhile, so no entry of it reaches us-js to name
// them. Its link's heartbeat answer says how much of us-js's feed it holds:
// from the first one, us-js signs nothing in the channel until it has pulled
// its own messages back (decision 0033), and from its start nothing until
// that first answer (decision 0035). What cn-jsd answers is held up here
// where a test needs a send to come in between. Both nodes in this process
// (their links can be inspected); link logic, the same on both databases:
// SQLite.

/** Two nodes in one channel, us-js to be restored from a copy while cn-jsd is idle. */
class Drill {
  readonly root: string;
  readonly cleanup: () => void;
  us!: Party;
  cn!: Party;
  usServed!: Serving;
  cnServed!: Serving;
  channel = '';
  #serial = 0;
  #copies = 0;

  constructor() {
    ({ root: this.root, cleanup: this.cleanup } = tempRoot());
  }

  /** `cnEndpoints`: what cn-jsd's card lists, given its link port (its one port by default). */
  async setUp(cnEndpoints?: (linkPort: number) => string[]): Promise<void> {
    [this.us, this.cn] = (await initParties(this.root, ['us-js', 'cn-jsd'], {}, (party, link) =>
      party === 'cn-jsd' ? cnEndpoints?.(link) : undefined,
    )) as [Party, Party];
    this.usServed = await serve(this.us.dir, { heartbeatMs: 1000 });
    this.cnServed = await serve(this.cn.dir, { heartbeatMs: 600_000 });
    const { id } = (await operations['channel-propose'](
      { open: this.usServed.open, link: this.usServed.link },
      { name: 'idle peer', members: 'us-js,cn-jsd' },
    )) as { id: string };
    await eventually(async () => (await this.cnServed.open.store.getChannel(id)) !== undefined, 20_000, 'offer');
    await operations['channel-accept']({ open: this.cnServed.open, link: this.cnServed.link }, { channel: id });
    await eventually(async () => (await this.usServed.open.store.getChannel(id))?.state === 'active', 20_000, 'active');
    this.channel = id;
  }

  async tearDown(): Promise<void> {
    await this.usServed?.stop();
    await this.cnServed?.stop();
    this.cleanup();
  }

  /** A message from us-js; its header. */
  async send() {
    const { translation: _, ...plain } = examples.message;
    this.#serial++;
    const body = {
      ...plain,
      subject: `m ${this.#serial}`,
      serial: this.#serial,
      attachments: [],
    } as unknown as JsonValue;
    return (await this.usServed.open.node.append(this.channel, { type: 'message', body })).entry.header;
  }

  /** cn-jsd holds us-js's feed up to `seq`. */
  held(seq: number) {
    return eventually(
      async () => ((await this.cnServed.open.store.head(this.channel, 'us-js'))?.seq ?? 0) >= seq,
      20_000,
      `seq ${seq}`,
    );
  }

  /** us-js's own head, as its store holds it. */
  async ownHead(): Promise<number> {
    return (await this.usServed.open.store.head(this.channel, 'us-js'))?.seq ?? 0;
  }

  /**
   * Stops us-js, copies its database, lets it write two more messages
   * cn-jsd stores, then puts the copy back: us-js stays stopped.
   */
  async restoreFromCopy(): Promise<{ restored: number; lost: number }> {
    const ours = join(this.us.dir, 'parley.sqlite');
    const copy = join(this.root, `us-copy-${++this.#copies}`);
    const restored = await this.ownHead();
    await this.usServed.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(ours + suffix)) copyFileSync(ours + suffix, copy + suffix);
    }
    this.usServed = await serve(this.us.dir, { heartbeatMs: 1000 });
    await this.send();
    const lost = (await this.send()).seq;
    await this.held(lost);
    await this.usServed.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(ours + suffix, { force: true });
      if (existsSync(copy + suffix)) copyFileSync(copy + suffix, ours + suffix);
    }
    return { restored, lost };
  }

  /** Holds cn-jsd's answers to pulls of us-js's feed until the returned function is called. */
  holdPulls(): () => void {
    const store = this.cnServed.open.node.store;
    const range = store.range;
    let pulled: () => void = () => undefined;
    const pulling = new Promise<void>((resolve) => {
      pulled = resolve;
    });
    store.range = async (...args) => {
      if (args[1] === 'us-js') await pulling;
      return range.apply(store, args);
    };
    return () => {
      store.range = range;
      pulled();
    };
  }

  /** Holds cn-jsd's answers to heartbeats (their route lists the channels first) until the returned function is called. */
  holdHeartbeatAnswers(): () => void {
    const store = this.cnServed.open.node.store;
    const list = store.listChannels;
    let letThrough: () => void = () => undefined;
    const through = new Promise<void>((resolve) => {
      letThrough = resolve;
    });
    store.listChannels = async () => {
      await through;
      return list.apply(store);
    };
    return () => {
      store.listChannels = list;
      letThrough();
    };
  }

  /** After a refused send: us-js pulls its own messages back, then continues the feed cn-jsd holds. */
  async continuesAfterPull(lost: number): Promise<void> {
    await eventually(async () => (await this.ownHead()) >= lost, 20_000, 'its own messages pulled back');
    const next = await this.send();
    assert.equal(next.seq, lost + 1, 'continuing the feed cn-jsd holds');
    await this.held(next.seq);
    assert.deepEqual(await this.cnServed.open.store.listForks(this.channel), [], 'cn-jsd holds no fork of us-js');
    assert.deepEqual(await this.usServed.open.store.listForks(this.channel), []);
  }
}

const refusedBehind = (error: unknown) => isParleyError(error, 'PARLEY_E_OWN_FEED_BEHIND');

describe('a node restored while its peer is idle', () => {
  const d = new Drill();
  before(() => d.setUp());
  after(() => d.tearDown());

  it('signs nothing from the first heartbeat answered until its own entries are back: no fork', async () => {
    await d.held((await d.send()).seq);
    const { restored, lost } = await d.restoreFromCopy();
    const pulled = d.holdPulls();
    try {
      d.usServed = await serve(d.us.dir, { heartbeatMs: 1000 });
      const link = d.usServed.link.links.get('cn-jsd')!;
      await eventually(async () => link.endpoints[0]!.lastContact !== null, 20_000, 'a heartbeat answered');
      assert.equal(await d.ownHead(), restored, 'restored, not yet pulled back');
      await assert.rejects(d.send(), refusedBehind, 'a send at the restored head would fork the feed cn-jsd holds');
    } finally {
      pulled();
    }
    await d.continuesAfterPull(lost);
  });

  it('signs nothing from its start until the first heartbeat is answered: a send waits for it (decision 0035)', async () => {
    const { restored, lost } = await d.restoreFromCopy();
    const answer = d.holdHeartbeatAnswers();
    // The pull that the answer starts is held as well, so that the send meets the claim, not the entries back.
    const pulled = d.holdPulls();
    try {
      // A 5 s heartbeat deadline: the answer let through below comes well inside it.
      d.usServed = await serve(d.us.dir, { heartbeatMs: 5000 });
      let settled = false;
      const sending = d.send().finally(() => {
        settled = true;
      });
      sending.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(settled, false, 'the send waits for cn-jsd to answer the first heartbeat');
      assert.equal(await d.ownHead(), restored, 'nothing signed meanwhile');
      answer();
      await assert.rejects(
        sending,
        refusedBehind,
        'the answer says cn-jsd holds more of our feed: a send at the restored head would fork it',
      );
    } finally {
      answer();
      pulled();
    }
    await d.continuesAfterPull(lost);
  });

  it('a peer that does not answer holds its signing only until the heartbeat has run out its time', async () => {
    const before = await d.ownHead();
    await d.usServed.stop();
    const answer = d.holdHeartbeatAnswers();
    try {
      const started = Date.now();
      d.usServed = await serve(d.us.dir, { heartbeatMs: 1000 });
      const sent = await d.send();
      const waited = Date.now() - started;
      assert.equal(sent.seq, before + 1);
      // The heartbeat's deadline is 2 s here (at least 2 s, at least one period), from the link's start
      // inside serve(): the send waited for it, then went on.
      assert.ok(waited >= 1900, `the send waited for the first heartbeat's deadline: ${waited} ms`);
    } finally {
      answer();
    }
    await d.held(before + 1);
    assert.deepEqual(await d.cnServed.open.store.listForks(d.channel), []);
  });

  it('refuses, when it stops, the writes still held for the first heartbeat: nothing signed unguarded', async () => {
    const before = await d.ownHead();
    await d.usServed.stop();
    const answer = d.holdHeartbeatAnswers();
    try {
      d.usServed = await serve(d.us.dir, { heartbeatMs: 1000 });
      const sending = d.send();
      sending.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await d.usServed.stop();
      await assert.rejects(sending, (error: unknown) => isParleyError(error, 'PARLEY_E_STOPPING'));
    } finally {
      answer();
    }
    d.usServed = await serve(d.us.dir, { heartbeatMs: 1000 });
    assert.equal(await d.ownHead(), before, 'nothing was signed');
  });
});

describe('a node restored while its peer is idle, the peer advertising a dead primary endpoint', () => {
  const d = new Drill();
  // cn-jsd's card lists first a port where nothing listens (a connection there is refused), then its link.
  let dead = 0;
  before(async () => {
    dead = await freePort();
    await d.setUp((link) => [`https://127.0.0.1:${dead}`, `https://127.0.0.1:${link}`]);
  });
  after(() => d.tearDown());

  it('tries the second endpoint at once at its start, and signs nothing before that answer (decision 0035)', async () => {
    await d.held((await d.send()).seq);
    const { restored, lost } = await d.restoreFromCopy();
    const pulled = d.holdPulls();
    try {
      // A long period: the second endpoint is tried at once only because the first failed at the start.
      d.usServed = await serve(d.us.dir, { heartbeatMs: 5000 });
      const sending = d.send();
      sending.catch(() => undefined);
      const link = d.usServed.link.links.get('cn-jsd')!;
      await eventually(async () => link.endpoints[1]!.lastContact !== null, 2000, 'the second endpoint answered');
      assert.equal(link.endpoints[0]!.lastContact, null, 'the first never answers');
      await assert.rejects(sending, refusedBehind, 'held until the second endpoint answered, and refused then');
      assert.equal(await d.ownHead(), restored);
    } finally {
      pulled();
    }
    await d.continuesAfterPull(lost);
  });
});
