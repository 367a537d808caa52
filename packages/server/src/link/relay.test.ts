import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  cli,
  control,
  eventually,
  freePort,
  liveStatus,
  ok,
  ServedNode,
  type StatusJson,
  status,
  tempRoot,
} from '../test-util/nodes.js';

/**
 * DESIGN.md, "Where it grows": any member relays others' signed entries to a
 * member that missed them, so one broken pair of links loses nothing.
 *
 * How the alpha–charlie pair is cut, and only that pair: a peer card is a
 * party's own signed self-description, and a party may hand different peers
 * cards naming different paths to it (the address each can reach). charlie
 * gives bravo a card with its real link endpoint and alpha a card whose only
 * endpoint is a port where nothing listens; alpha does the same towards
 * charlie. Both cards carry the right identity key and TLS fingerprint, so
 * every member is pinned at every other (which a charter requires), but alpha
 * and charlie can never open a connection to each other — from the first day:
 * even the charter is co-signed through bravo. bravo links to both directly.
 */
describe('multilateral from the first day: a 3-party channel whose alpha–charlie link is down still gets alpha’s entries to charlie through bravo', () => {
  const { root, cleanup } = tempRoot();
  const parties = ['alpha', 'bravo', 'charlie'] as const;
  type Name = (typeof parties)[number];
  const dir = (p: Name) => join(root, p);
  const nodes = new Map<Name, ServedNode>();
  let channel = '';
  let deadEndpoint = '';

  /** Signs a card of `p` that advertises `endpoints` instead of its configured ones, and saves it. */
  async function cardNaming(p: Name, endpoints: string[] | undefined, file: string): Promise<string> {
    const configFile = join(dir(p), 'config.json');
    const config = readFileSync(configFile, 'utf8');
    if (endpoints) writeFileSync(configFile, JSON.stringify({ ...JSON.parse(config), endpoints }));
    try {
      writeFileSync(file, await ok(['peer', 'card', '--dir', dir(p)]));
    } finally {
      writeFileSync(configFile, config);
    }
    return file;
  }

  const peerLink = (s: StatusJson, peer: Name) => s.peers.find((x) => x.party === peer)!.link!;
  const logOf = async (p: Name) => (await ok(['log', '--dir', dir(p), '--channel', channel])).trim().split('\n');

  before(async () => {
    await Promise.all(
      parties.map(async (p) => {
        const [link, consolePort] = [await freePort(), await freePort()];
        await ok([
          'init',
          '--dir',
          dir(p),
          '--party',
          p,
          '--name',
          `Party ${p}`,
          '--link-port',
          String(link),
          '--console-port',
          String(consolePort),
        ]);
      }),
    );
    deadEndpoint = `https://127.0.0.1:${await freePort()}`; // nothing listens there
    const card = (p: Name, endpoints?: string[]) =>
      cardNaming(p, endpoints, join(root, `${p}${endpoints ? '.dead-path' : ''}.card.json`));
    // Each party's cards one after the other (they rewrite its config.json for a moment); parties in parallel.
    const [alpha, bravo, charlie] = await Promise.all([
      (async () => [await card('alpha'), await card('alpha', [deadEndpoint])])(),
      card('bravo'),
      (async () => [await card('charlie'), await card('charlie', [deadEndpoint])])(),
    ]);
    const pin = (at: Name, file: string) => ok(['peer', 'add', '--dir', dir(at), file]);
    await Promise.all([
      (async () => {
        await pin('alpha', bravo);
        await pin('alpha', charlie[1]!); // charlie as reached from alpha: the dead path
      })(),
      (async () => {
        await pin('bravo', alpha[0]!);
        await pin('bravo', charlie[0]!);
      })(),
      (async () => {
        await pin('charlie', bravo);
        await pin('charlie', alpha[1]!); // alpha as reached from charlie: the dead path
      })(),
    ]);
    await Promise.all(
      parties.map((p) => {
        const node = new ServedNode(dir(p));
        nodes.set(p, node);
        return node.start();
      }),
    );
  });

  after(async () => {
    for (const node of nodes.values()) await node.stop();
    cleanup();
  });

  it('co-signs the charter of all three although alpha and charlie cannot reach each other', async () => {
    const out = await ok([
      'channel',
      'propose',
      '--dir',
      dir('alpha'),
      '--name',
      'Regional hotline',
      '--members',
      'alpha,bravo,charlie',
    ]);
    channel = out.trim().split('\n').pop()!;
    for (const p of ['bravo', 'charlie'] as const) {
      await eventually(
        async () => (await liveStatus(dir(p))).channels.find((c) => c.id === channel),
        15_000,
        `offer at ${p}`,
      );
      await ok(['channel', 'accept', '--dir', dir(p), channel]);
    }
    for (const p of parties) {
      await eventually(
        async () => (await liveStatus(dir(p))).channels.find((c) => c.id === channel && c.state === 'active'),
        20_000,
        `channel active at ${p}`,
      );
    }
    const s = await status(dir('alpha'));
    assert.deepEqual([...s.channels[0]!.signed].sort(), ['alpha', 'bravo', 'charlie']);
  });

  it('gets alpha’s messages to charlie through bravo, and charlie’s receipts back to alpha', async (t) => {
    const subjects = ['Missile launch notice', 'Exercise in the strait', 'Request for a call'];
    let last = 0;
    for (const [i, subject] of subjects.entries()) {
      const out = await ok([
        'send',
        '--dir',
        dir('alpha'),
        '--channel',
        channel,
        '--precedence',
        i === 0 ? 'FLASH' : 'ROUTINE',
        ...(i === 0 ? ['--emergency'] : []),
        '--subject',
        subject,
        '--text',
        `Message ${i + 1}`,
      ]);
      last = Number(/ as seq (\d+) /.exec(out)![1]);
    }
    const sentAt = Date.now();
    await eventually(
      async () => ((await liveStatus(dir('charlie'))).channels[0]!.heads.alpha ?? 0) >= last,
      20_000,
      'alpha’s messages at charlie',
    );
    t.diagnostic(`alpha’s messages at charlie ${Date.now() - sentAt} ms after the last was sent`);
    const atCharlie = (await logOf('charlie')).filter((l) => / alpha #\d+ message /.test(l));
    assert.deepEqual(
      atCharlie.map((l) => l.replace(/^.* \[\d+\] /, '')),
      subjects,
    );
    assert.match(atCharlie[0]!, /alpha #\d+ message FLASH \[1\] Missile launch notice/);

    // charlie's receipt, signed in charlie's feed, names alpha's last message in its heads; it can reach
    // alpha only through bravo.
    type Bundle = {
      entries: Array<{ header: { author: string; seq: number; type: string; heads: Record<string, { seq: number }> } }>;
    };
    const covering = (b: Bundle) =>
      b.entries.find(
        (e) => e.header.author === 'charlie' && e.header.type === 'receipt' && (e.header.heads.alpha?.seq ?? 0) >= last,
      );
    await eventually(
      async () => covering(await control<Bundle>(dir('alpha'), 'export', { channel })),
      20_000,
      'charlie’s receipt of alpha’s messages at alpha',
    );
    t.diagnostic(`charlie’s receipt at alpha ${Date.now() - sentAt} ms after the last message was sent`);
    const bundle = JSON.parse(await ok(['export', '--dir', dir('alpha'), '--channel', channel])) as Bundle;
    const receipt = covering(bundle);
    assert.ok(receipt, `alpha holds a receipt of charlie covering alpha #${last}`);
    // And it was relayed: alpha and charlie never had any contact with each other; bravo links to both.
    const views = {
      alpha: await status(dir('alpha')), // `parley status --json`
      bravo: await liveStatus(dir('bravo')),
      charlie: await liveStatus(dir('charlie')),
    };
    assert.ok(views.alpha.channels[0]!.heads.charlie! >= receipt.header.seq, 'alpha stores charlie’s feed');
    for (const [from, to] of [
      ['alpha', 'charlie'],
      ['charlie', 'alpha'],
    ] as const) {
      const link = peerLink(views[from], to);
      assert.deepEqual(
        link.endpoints.map((e) => e.url),
        [deadEndpoint],
      );
      assert.equal(link.state, 'DOWN', `${from}→${to}`);
      assert.equal(link.endpoints[0]!.lastContact, null, `${from} never reached ${to}`);
      assert.ok(link.endpoints[0]!.failures >= 3);
    }
    for (const [from, to] of [
      ['alpha', 'bravo'],
      ['bravo', 'alpha'],
      ['bravo', 'charlie'],
      ['charlie', 'bravo'],
    ] as const) {
      assert.equal(peerLink(views[from], to).state, 'UP', `${from}→${to}`);
    }
  });

  it('relays the other way too: charlie’s reply reaches alpha through bravo', async () => {
    const out = await ok([
      'send',
      '--dir',
      dir('charlie'),
      '--channel',
      channel,
      '--subject',
      'Acknowledged, call at 1400Z',
      '--text',
      'Reply.',
    ]);
    const seq = Number(/ as seq (\d+) /.exec(out)![1]);
    await eventually(
      async () => ((await liveStatus(dir('alpha'))).channels[0]!.heads.charlie ?? 0) >= seq,
      20_000,
      'charlie’s reply at alpha',
    );
    assert.ok(
      (await logOf('alpha')).some((l) => / charlie #\d+ message ROUTINE \[1\] Acknowledged, call at 1400Z$/.test(l)),
    );
  });

  it('exports charlie’s record as a bundle that verifies offline', async () => {
    // Everything charlie holds of alpha's feed came through bravo, yet it is alpha's own signed chain.
    const bundle = await ok(['export', '--dir', dir('charlie'), '--channel', channel, '--disclose', 'message']);
    const file = join(root, 'charlie.bundle.json');
    writeFileSync(file, bundle);
    const parsed = JSON.parse(bundle) as { entries: Array<{ header: { author: string } }> };
    assert.ok(parsed.entries.some((e) => e.header.author === 'alpha'));
    const r = await cli(['verify', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /charter signed by every member \(alpha, bravo, charlie\)/);
    const s = await status(dir('charlie'));
    assert.equal(s.forks, 0);
  });
});
