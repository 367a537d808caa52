import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultCharter, examples } from '@parley/contract';
import {
  buildBundle,
  channelId,
  Ed25519Signer,
  type JsonValue,
  type SignedEntry,
  sha256,
  signCharter,
  signEntry,
  toBase64url,
} from '@parley/record';
import { parley, tempDir } from './_util.js';

/** A small real bundle: us-js writes two messages, cn-jsd acknowledges them. */
function makeBundle() {
  const signers = {
    'cn-jsd': Ed25519Signer.fromSeed(sha256(Buffer.from('cli cn'))),
    'us-js': Ed25519Signer.fromSeed(sha256(Buffer.from('cli us'))),
  };
  const charter = defaultCharter({
    name: 'CLI test hotline',
    proposer: 'us-js',
    createdAt: '2023-12-01T00:00:00.000Z',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    members: Object.entries(signers).map(([id, s]) => ({ id, names: { en: id }, key: toBase64url(s.publicKey) })),
  }) as unknown as JsonValue;
  const channel = channelId(charter);
  const entries: SignedEntry[] = [];
  let prev: string | null = null;
  for (let seq = 1; seq <= 2; seq++) {
    const time = `2023-12-21T13:0${seq}:00.000Z`;
    const signed: { id: string; entry: SignedEntry } = signEntry(
      { channel, author: 'us-js', seq, prev, time, type: 'message', body: examples.message as unknown as JsonValue },
      signers['us-js'],
    );
    entries.push(signed.entry);
    prev = signed.id;
  }
  const receipt = signEntry(
    {
      channel,
      author: 'cn-jsd',
      seq: 1,
      prev: null,
      time: '2023-12-21T13:05:00.000Z',
      type: 'receipt',
      heads: { 'us-js': { seq: 2, id: prev! } },
      body: {},
    },
    signers['cn-jsd'],
  );
  entries.push(receipt.entry);
  const keys = Object.fromEntries(
    Object.entries(signers).map(([p, s]) => [p, [{ key: toBase64url(s.publicKey), fromSeq: 1, untilSeq: null }]]),
  );
  const signatures = Object.entries(signers).map(([p, s]) => signCharter(charter, p, s));
  return buildBundle({ channel: { id: channel, charter: charter as never, signatures }, keys, entries }).bundle;
}

describe('parley verify', () => {
  let dir: string;
  let cleanup: () => void;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('exits 2 with usage when no file is given', async () => {
    const r = await parley(['verify']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /PARLEY_E_USAGE: usage: parley verify FILE/);
  });

  it('exits 2 on an unknown option or command', async () => {
    assert.equal((await parley(['verify', '--frobnicate', 'x'])).code, 2);
    const r = await parley(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });

  it('exits 1 with PARLEY_E_IO when the file cannot be read', async () => {
    const r = await parley(['verify', join(dir, 'missing.json')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PARLEY_E_IO: cannot read .*missing\.json: ENOENT/);
  });

  it('exits 1 naming the code and the entry at fault', async () => {
    const bundle = makeBundle();
    bundle.entries[1]!.header.time = '2023-12-21T13:02:30.000Z';
    const r = await parley(['verify', file('tampered.json', bundle)]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✘ PARLEY_E_BAD_SIGNATURE: signature of us-js seq 2 does not verify/);
    assert.match(r.stdout, /at entries\[1\] \(us-js seq 2\)/);
    assert.match(r.stdout, /cause: .*\n {2}fix: .*\nNOT VERIFIED/);
  });

  it('exits 1 on malformed JSON, with the offset', async () => {
    const r = await parley(['verify', file('broken.json', '{"format": "parley-evidence/1", "entries": [')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /PARLEY_E_JSON_SYNTAX: malformed JSON at offset \d+/);
  });

  it('exits 0 printing what is proven', async () => {
    const r = await parley(['verify', file('good.json', makeBundle())]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✔ channel .* \("CLI test hotline"\): charter signed by every member \(cn-jsd, us-js\)/);
    assert.match(r.stdout, /✔ us-js: 2 entries authentic and chained, 2 with bodies disclosed: seq 1–2/);
    assert.match(r.stdout, /VERIFIED: \d+ statements proven \(3 entries/);
  });

  it('prints one JSON object with --json', async () => {
    const good = JSON.parse((await parley(['verify', '--json', file('good2.json', makeBundle())])).stdout);
    assert.equal(good.ok, true);
    assert.equal(good.stats.entries, 3);
    assert.equal(typeof good.stats.maxRssMb, 'number');
    const bundle = makeBundle();
    bundle.entries[2]!.sig = bundle.entries[0]!.sig;
    const bad = await parley(['verify', '--json', file('bad.json', bundle)]);
    assert.equal(bad.code, 1);
    const out = JSON.parse(bad.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.error.code, 'PARLEY_E_BAD_SIGNATURE');
    assert.equal(out.error.details.entry, 2);
  });
});
