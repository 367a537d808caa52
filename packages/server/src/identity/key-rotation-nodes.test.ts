import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ed25519Signer, type SignedEntry, signEntry, toBase64url } from '@parley/record';
import { systemClock } from '../clock/clock.js';
import { ParleyNode } from '../node/node.js';
import { dataFiles } from '../runtime/paths.js';
import { openStore } from '../store/open-store.js';
import { forEachNodeDialect, pgUrl } from '../test-util/node-databases.js';
import { cli, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../test-util/nodes.js';
import { verifyCard } from './peer-card.js';

const lastLine = (out: string) => out.trim().split('\n').pop()!;
const keyOfFile = (path: string) => toBase64url(Ed25519Signer.fromPem(readFileSync(path, 'utf8')).publicKey);
const mode = (path: string) => statSync(path).mode & 0o777;

interface BundleEntry {
  header: SignedEntry['header'];
}

forEachNodeDialect('parley key rotate between two served nodes', (databases) => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  let oldKey = '';
  let newKey = '';
  let rotatedAt = 0;

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'], (p) => databases.envFor(p))) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = lastLine(
      await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Rotation', '--members', 'us-js,cn-jsd'], us.env),
    );
    await eventually(async () => (await cli(['channel', 'accept', '--dir', cn.dir, channel], cn.env)).code === 0);
    await eventually(async () =>
      (await liveStatus(us.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
    );
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  const send = (subject: string) =>
    ok(['send', '--dir', us.dir, '--channel', channel, '--subject', subject, '--text', 'Text.', '--as', 'ann'], us.env);
  const logOf = async (p: Party) => (await ok(['log', '--dir', p.dir, '--channel', channel], p.env)).split('\n');
  const exported = async (p: Party) =>
    ok(['export', '--dir', p.dir, '--channel', channel, '--disclose', 'key-rotate,message'], p.env);
  const usEntries = (bundle: string) =>
    (JSON.parse(bundle) as { entries: BundleEntry[] }).entries
      .filter((e) => e.header.author === 'us-js')
      .sort((a, b) => a.header.seq - b.header.seq);

  it('rotates the key of a serving node: key-rotate entry, key files, peer card', async () => {
    oldKey = keyOfFile(join(us.dir, 'identity.key'));
    await send('Before');
    const out = await ok(['key', 'rotate', '--dir', us.dir], us.env);
    const seq = new RegExp(`^key-rotate\\s+${channel} seq (\\d+)$`, 'm').exec(out);
    assert.ok(seq, out);
    rotatedAt = Number(seq[1]);
    assert.match(out, new RegExp(`^old key\\s+${oldKey} \\(kept as identity\\.key\\.1\\.old\\)$`, 'm'));
    newKey = keyOfFile(join(us.dir, 'identity.key'));
    assert.notEqual(newKey, oldKey);
    assert.equal(lastLine(out), `identity key     ${newKey}`);
    assert.equal(keyOfFile(join(us.dir, 'identity.key.1.old')), oldKey);
    assert.equal(mode(join(us.dir, 'identity.key')), 0o600);
    assert.equal(mode(join(us.dir, 'identity.key.1.old')), 0o600);
    const signed = JSON.parse(await ok(['peer', 'card', '--dir', us.dir], us.env)) as { card: { key: string } };
    assert.equal(signed.card.key, newKey);
    assert.equal(verifyCard(signed).key, newKey);
  });

  it('signs the next message with the new key, and the peer stores it', async () => {
    await send('After');
    await eventually(async () => (await logOf(cn)).some((l) => / us-js #\d+ message ROUTINE \[2\] After/.test(l)));
    const entries = usEntries(await exported(cn));
    const rotate = entries.find((e) => e.header.type === 'key-rotate')!;
    assert.equal(rotate.header.seq, rotatedAt);
    assert.equal(rotate.header.key, oldKey);
    for (const e of entries)
      assert.equal(e.header.key, e.header.seq > rotatedAt ? newKey : oldKey, `seq ${e.header.seq}`);
    assert.ok(entries.some((e) => e.header.seq > rotatedAt && e.header.type === 'message'));
  });

  it('exports from either side verify with parley verify, key history included', async () => {
    for (const p of [us, cn]) {
      const bundle = await exported(p);
      const keys = (JSON.parse(bundle) as { keys: Record<string, Array<{ key: string; fromSeq: number }>> }).keys;
      assert.deepEqual(
        keys['us-js']!.map((r) => [r.key, r.fromSeq]),
        [
          [oldKey, 1],
          [newKey, rotatedAt + 1],
        ],
      );
      const file = join(root, `${p.party}-${databases.dialect}.bundle.json`);
      writeFileSync(file, bundle);
      const r = await cli(['verify', file]);
      assert.equal(r.code, 0, `${p.party}: ${r.stdout}${r.stderr}`);
    }
  });

  it('keeps the new key across a restart', async () => {
    await us.node.stop();
    await us.node.start();
    await send('Restarted');
    await eventually(async () => (await logOf(cn)).some((l) => / us-js #\d+ message ROUTINE \[3\] Restarted/.test(l)));
    const last = usEntries(await exported(cn)).find((e) => e.header.type === 'message' && e.header.seq > rotatedAt + 1);
    assert.equal(last?.header.key, newKey);
  });

  it('a peer refuses an entry signed by the old key after the rotation (also after its own restart)', async () => {
    await cn.node.stop();
    const env = cn.env ?? {};
    const store = env.PARLEY_DATABASE_URL
      ? await openStore({ url: pgUrl, schema: env.PARLEY_DATABASE_SCHEMA! })
      : await openStore({ sqlitePath: dataFiles(cn.dir).database });
    try {
      const node = new ParleyNode({ party: 'cn-jsd', signer: Ed25519Signer.generate(), store, clock: systemClock });
      const head = (await store.head(channel, 'us-js'))!;
      assert.ok(head.seq > rotatedAt);
      const old = Ed25519Signer.fromPem(readFileSync(join(us.dir, 'identity.key.1.old'), 'utf8'));
      const forged = signEntry(
        {
          channel,
          author: 'us-js',
          seq: head.seq + 1,
          prev: head.id,
          time: new Date(Math.max(Date.now(), Date.parse(head.time))).toISOString(),
          type: 'receipt',
          heads: {},
          refs: [],
          body: {},
        },
        old,
      );
      const result = await node.ingest(channel, [forged.entry]);
      assert.equal(result.stored, 0);
      assert.equal(result.error?.code, 'PARLEY_E_KEY_NOT_VALID');
      assert.equal((await store.head(channel, 'us-js'))?.seq, head.seq);
    } finally {
      await store.close();
    }
  });
});

describe('parley key rotate on a stopped node', () => {
  const { root, cleanup } = tempRoot();
  after(cleanup);

  it('finishes an interrupted rotation under the key it had made, and refuses bad usage', async () => {
    const [p] = (await initParties(root, ['us-js'])) as [Party];
    const first = keyOfFile(join(p.dir, 'identity.key'));
    // As if a rotation had stopped after writing its new key file.
    const pending = Ed25519Signer.generate();
    writeFileSync(join(p.dir, 'identity.key.new'), pending.toPem(), { mode: 0o600 });
    const out = await ok(['key', 'rotate', '--dir', p.dir], p.env);
    assert.match(out, /^finished an interrupted rotation$/m);
    assert.equal(keyOfFile(join(p.dir, 'identity.key')), toBase64url(pending.publicKey));
    assert.equal(keyOfFile(join(p.dir, 'identity.key.1.old')), first);
    assert.equal(existsSync(join(p.dir, 'identity.key.new')), false);

    const again = await ok(['key', 'rotate', '--dir', p.dir], p.env);
    assert.doesNotMatch(again, /interrupted/);
    assert.match(again, /\(kept as identity\.key\.2\.old\)/);
    assert.equal(keyOfFile(join(p.dir, 'identity.key.2.old')), toBase64url(pending.publicKey));
    assert.equal(mode(join(p.dir, 'identity.key')), 0o600);

    const usage = await cli(['key', 'rotate'], p.env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /PARLEY_E_USAGE: .*usage: parley key rotate --dir D/);
  });
});
