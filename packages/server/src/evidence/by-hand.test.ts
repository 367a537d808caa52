import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Bundle, type Claim, defaultCharter, examples, type Proof } from '@parley/contract';
import {
  buildBundle,
  channelId,
  cosignCheckpoint,
  Ed25519Signer,
  feedOrigin,
  fromBase64url,
  type JsonValue,
  MemoryMerkleLog,
  makeEquivocationProof,
  makeForkProof,
  makeVkey,
  type SignedCharter,
  type SignedEntry,
  sha256,
  signCharter,
  signCheckpoint,
  signEntry,
  signRotation,
  toBase64url,
  verifyBundle,
} from '@parley/record';

// The test runs compiled, from packages/server/dist/evidence/.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const script = join(root, 'docs/evidence-by-hand.sh');
const doc = join(root, 'docs/evidence.md');

type Entry = SignedEntry & { id: string };

const seconds = (iso: string) => Date.parse(iso) / 1000;
const json = (value: unknown) => value as Record<string, unknown>;
const signer = (name: string) => Ed25519Signer.fromSeed(sha256(new TextEncoder().encode(`parley by-hand ${name}`)));

/**
 * A record as two honest nodes would write it, built with the public API
 * only: us-js asks cn-jsd for a call; cn-jsd's node stores the request, rotates
 * its key, writes on for two days and never refers to the request.
 */
class Hotline {
  readonly keys = { 'cn-jsd': signer('cn-jsd'), 'us-js': signer('us-js') } as Record<string, Ed25519Signer>;
  readonly feeds = new Map<string, Entry[]>([
    ['cn-jsd', []],
    ['us-js', []],
  ]);
  readonly logs = new Map([
    ['cn-jsd', new MemoryMerkleLog()],
    ['us-js', new MemoryMerkleLog()],
  ]);
  readonly channel: SignedCharter;
  #clock = Date.parse('2023-02-04T19:00:00.000Z');

  constructor() {
    const charter = defaultCharter({
      name: 'By-hand hotline',
      proposer: 'us-js',
      createdAt: new Date(this.#clock).toISOString(),
      nonce: 'QnktaGFuZCBob3RsaW5lIQ',
      members: Object.entries(this.keys).map(([id, s]) => ({
        id,
        names: { en: id, 'zh-Hans': `${id} 联络` },
        key: toBase64url(s.publicKey),
      })),
    }) as unknown as SignedCharter['charter'];
    const signatures = Object.entries(this.keys).map(([p, s]) => signCharter(charter, p, s));
    this.channel = { id: channelId(charter), charter, signatures };
  }

  tick(ms: number): string {
    this.#clock += ms;
    return new Date(this.#clock).toISOString();
  }

  /** The next entry of `author`, heads naming everything it holds of the other feed. */
  draft(author: string, type: string, body: JsonValue, refs: string[] = []) {
    const feed = this.feeds.get(author)!;
    const heads: SignedEntry['header']['heads'] = {};
    for (const [party, entries] of this.feeds) {
      const head = entries.at(-1);
      if (party !== author && head) heads[party] = { seq: head.header.seq, id: head.id };
    }
    const seq = feed.length + 1;
    const prev = feed.at(-1)?.id ?? null;
    return { channel: this.channel.id, author, seq, prev, time: this.tick(1000), type, heads, refs, body };
  }

  append(author: string, type: string, body: JsonValue, refs: string[] = []): Entry {
    const { id, entry } = signEntry(this.draft(author, type, body, refs), this.keys[author]!);
    this.feeds.get(author)!.push({ ...entry, id });
    this.logs.get(author)!.append(fromBase64url(id));
    return { ...entry, id };
  }

  message(author: string, subject: string): Entry {
    return this.append(author, 'message', { ...examples.message, subject } as unknown as JsonValue);
  }

  rotate(author: string, next: Ed25519Signer): Entry {
    const statement = {
      channel: this.channel.id,
      author,
      seq: this.feeds.get(author)!.length + 1,
      oldKey: toBase64url(this.keys[author]!.publicKey),
      newKey: toBase64url(next.publicKey),
    };
    const entry = this.append(author, 'key-rotate', { newKey: statement.newKey, proof: signRotation(statement, next) });
    this.keys[author] = next;
    return entry;
  }

  checkpoint(author: string, size: number, cosigner: string, at: string): string {
    const log = this.logs.get(author)!;
    const note = signCheckpoint(
      { origin: feedOrigin(this.channel.id, author), size, root: log.rootAt(size) },
      this.keys[author]!,
    );
    return cosignCheckpoint(note, this.keys[cosigner]!, feedOrigin(this.channel.id, cosigner), seconds(at));
  }

  inclusion(checkpoint: number, entry: Entry, size: number): Proof {
    const log = this.logs.get(entry.header.author)!;
    const hashes = log.inclusionProof(entry.header.seq - 1, size).map((h) => toBase64url(h));
    return { type: 'inclusion', checkpoint, entry: entry.id, hashes };
  }
}

/** The bundle the recipe is run on, with everything the recipe checks in it. */
function realisticBundle(): Bundle {
  const rec = new Hotline();
  const firstKey = toBase64url(rec.keys['cn-jsd']!.publicKey);
  rec.message('us-js', 'Balloon');
  const deadline = '2023-02-06T19:00:03.000Z';
  const request = rec.append('us-js', 'request', { ...examples.request, deadline } as unknown as JsonValue);
  const witness = rec.append('cn-jsd', 'receipt', {});
  for (let i = 0; i < 5; i++) {
    rec.tick(3_600_000);
    if (i === 2) rec.rotate('cn-jsd', signer('cn-jsd next'));
    else rec.message('cn-jsd', `Routine ${i}`);
    rec.append('us-js', 'receipt', {});
  }
  rec.tick(2 * 86_400_000);
  rec.message('cn-jsd', 'After the deadline');
  const later = rec.tick(3_600_000);
  const cosignedAt = rec.tick(3_600_000);
  const cn = rec.feeds.get('cn-jsd')!;
  const us = rec.feeds.get('us-js')!;

  // A fork and an equivocation by us-js, kept as evidence (not as entries).
  const forked = signEntry(
    { ...rec.draft('us-js', 'receipt', {}), seq: 3, prev: us[1]!.id, heads: {}, time: us[2]!.header.time },
    rec.keys['us-js']!,
  );
  const usNote = rec.checkpoint('us-js', us.length, 'cn-jsd', cosignedAt);
  const usOrigin = feedOrigin(rec.channel.id, 'us-js');
  const lie = signCheckpoint(
    { origin: usOrigin, size: us.length, root: sha256(new Uint8Array([1])) },
    rec.keys['us-js']!,
  );

  const checkpoints = [
    rec.checkpoint('cn-jsd', cn.length, 'us-js', cosignedAt),
    usNote,
    rec.checkpoint('us-js', 5, 'cn-jsd', cosignedAt),
  ];
  const proofs: Proof[] = [
    rec.inclusion(0, cn[2]!, cn.length),
    rec.inclusion(1, request, us.length),
    {
      type: 'consistency',
      from: 2,
      to: 1,
      hashes: rec.logs
        .get('us-js')!
        .consistencyProof(5, us.length)
        .map((h) => toBase64url(h)),
    },
    { type: 'fork', proof: json(makeForkProof(us[2]!, forked.entry)) },
    { type: 'equivocation', proof: json(makeEquivocationProof(usNote, lie, makeVkey(usOrigin, rec.keys['us-js']!))) },
  ];
  const claims: Claim[] = [
    { kind: 'stored', entry: request.id, by: 'cn-jsd', witness: witness.id },
    { kind: 'no-reference', party: 'cn-jsd', entry: request.id, from: request.header.time, to: deadline },
    { kind: 'no-reference', party: 'cn-jsd', entry: request.id, from: request.header.time, to: later },
    { kind: 'no-answer', party: 'cn-jsd', entry: request.id, receipt: witness.id, deadline },
  ];
  const nextKey = toBase64url(rec.keys['cn-jsd']!.publicKey);
  const { bundle } = buildBundle({
    channel: rec.channel,
    keys: {
      'cn-jsd': [
        { key: firstKey, fromSeq: 1, untilSeq: 4 },
        { key: nextKey, fromSeq: 5, untilSeq: null },
      ],
      'us-js': [{ key: toBase64url(rec.keys['us-js']!.publicKey), fromSeq: 1, untilSeq: null }],
    },
    entries: [request, ...cn],
    disclose: (e) => ['request', 'key-rotate'].includes(e.header.type) || e.header.seq === 2,
    checkpoints,
    proofs,
    claims,
  });
  return bundle;
}

/** What the recipe needs beyond bash and coreutils; empty when all is there. */
function missingTools(): string[] {
  const missing: string[] = [];
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (openssl.error || !/^OpenSSL [3-9]\./.test(openssl.stdout)) missing.push('OpenSSL 3.x (`openssl pkeyutl -rawin`)');
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (python.error || python.status !== 0) missing.push('python3');
  return missing;
}

const missing = missingTools();
// Under CI a missing tool fails the test below; elsewhere it skips, saying why.
const skip = missing.length > 0 && process.env.CI !== 'true' ? `needs ${missing.join(' and ')}` : false;
if (skip) console.log(`by-hand evidence recipe skipped: ${skip}`);

/** The fenced shell blocks of docs/evidence.md, each with its trailing newline. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter((m) => ['sh', 'bash', 'shell', 'console'].includes(m[1]!))
    .map((m) => m[2]!);
}

describe('docs/evidence.md, "Verifying by hand"', () => {
  it('quotes every command of docs/evidence-by-hand.sh, in order, and nothing else', () => {
    const sh = readFileSync(script, 'utf8');
    const blocks = shellBlocks(readFileSync(doc, 'utf8'));
    assert.ok(blocks.length >= 10, 'the recipe is quoted block by block');
    let at = 0;
    for (const block of blocks) {
      const found = sh.indexOf(block, at);
      assert.ok(found >= 0, `this block of evidence.md is not in evidence-by-hand.sh (in this order):\n${block}`);
      at = found + block.length;
    }
    const quoted = new Set(blocks.flatMap((b) => b.split('\n')));
    const unquoted = sh.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#') && !quoted.has(l));
    assert.deepEqual(unquoted, [], 'lines of evidence-by-hand.sh that evidence.md does not quote');
  });
});

describe('verifying a bundle by hand', { skip, concurrency: true }, () => {
  let dir = '';
  let bundle: Bundle;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-by-hand-'));
    bundle = realisticBundle();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `value` as a bundle file and runs the recipe on it with bash. */
  function recipe(name: string, value: unknown): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(value, null, 2));
    return new Promise((done, fail) => {
      const child = spawn('bash', [script, file], { env: { ...process.env, TMPDIR: dir }, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', fail);
      child.on('close', (status) => done({ status, stdout, stderr }));
    });
  }

  it('has the tools the recipe needs', () => {
    assert.deepEqual(missing, []);
  });

  it('checks a real bundle: entries, chains, charter, keys, checkpoints, proofs and claims', async () => {
    const { status, stdout, stderr } = await recipe('real', bundle);
    assert.equal(status, 0, `${stdout}\n${stderr}`);
    for (const line of [
      /^signatures: all 8 verify$/m,
      /^entry 1: body withheld$/m,
      /^entry 0: body disclosed, matches header\.body$/m,
      /^keys: cn-jsd rotated to a new key after seq 4, proven by its key-rotate entry$/m,
      /^checkpoint 0: cn-jsd's feed at size 7, signed; root recomputed from the bundle's entries$/m,
      /^checkpoint 0: cosigned by us-js at 2023-02-07T02:00:14\.000Z$/m,
      /^proof 1: us-js seq 2 is in checkpoint 1 \(size 7\)$/m,
      /^claim 0: cn-jsd stored us-js seq 2 by 2023-02-04T19:00:03\.000Z \(cn-jsd seq 1\)$/m,
      /^claim 1: .* cn-jsd wrote no entry referring to us-js seq 2 \(bounded by cn-jsd seq 7\)$/m,
      /^claim 2: .* \(complete: checkpoint 0, cosigned by us-js\)$/m,
      /^claim 3: cn-jsd stored request us-js seq 2 by 2023-02-04T19:00:03\.000Z \(receipt seq 1\) and its feed holds no answer to it up to the deadline 2023-02-06T19:00:03\.000Z \(seq 1\.\.7, seq 7 is its first entry after the deadline\)$/m,
      /^proof 3: fork: us-js signed two different entries at seq 3$/m,
      /^proof 4: equivocation: us-js signed two roots for size 7$/m,
      /^OK: everything above checked by hand$/m,
    ]) {
      assert.match(stdout, line);
    }
  });

  const flip = (b64u: string, at: number) => {
    const bytes = fromBase64url(b64u);
    bytes[at] = bytes[at]! ^ 0x01;
    return toBase64url(bytes);
  };
  const flipB64 = (b64: string, at: number) =>
    Buffer.from(flip(Buffer.from(b64, 'base64').toString('base64url'), at), 'base64url').toString('base64');
  const cn = (b: Bundle, seq: number) => b.entries.find((e) => e.header.author === 'cn-jsd' && e.header.seq === seq)!;

  const tampered: Array<[string, (b: Bundle) => void, RegExp]> = [
    [
      'a byte of an entry signature is flipped',
      (b) => (cn(b, 6).sig = flip(cn(b, 6).sig, 17)),
      /entry \d: the signature does not verify/,
    ],
    [
      'a header field is changed',
      (b) => (cn(b, 3).header.time = cn(b, 3).header.time.replace(/\.000Z$/, '.001Z')),
      /entry \d: the signature does not verify/,
    ],
    [
      'a disclosed body is changed',
      (b) => ((b.entries[0]!.body as { subject: string }).subject += '!'),
      /entry 0: body does not match header\.body/,
    ],
    [
      'the charter is changed',
      (b) => (b.channel!.charter.name = 'By-hand hotline!'),
      /the channel id is not the hash of the charter/,
    ],
    [
      'the keys section names another key',
      (b) => (b.keys['us-js']![0]!.key = b.keys['cn-jsd']![0]!.key),
      /us-js's first key is not its charter key/,
    ],
    [
      "a checkpoint's root is changed",
      (b) => {
        const lines = b.checkpoints![0]!.split('\n');
        lines[2] = flipB64(lines[2]!, 0);
        b.checkpoints![0] = lines.join('\n');
      },
      /not signed by cn-jsd/,
    ],
    [
      'a cosignature a claim relies on is broken',
      (b) => {
        const lines = b.checkpoints![0]!.split('\n');
        const at = lines.findIndex((l) => l.endsWith(`/us-js ${l.split(' ').at(-1)}`));
        const [dash, name, sig] = lines[at]!.split(' ');
        lines[at] = `${dash} ${name} ${flipB64(sig!, 40)}`;
        b.checkpoints![0] = lines.join('\n');
      },
      /claim 2: nothing shows that cn-jsd wrote no more entries/,
    ],
    [
      'an inclusion proof is changed',
      (b) => {
        const proof = b.proofs![0] as { hashes: string[] };
        proof.hashes[0] = flip(proof.hashes[0]!, 3);
      },
      /proof 0: inclusion proof does not verify/,
    ],
    [
      'an entry inside a claim window is left out',
      (b) => (b.entries = b.entries.filter((e) => e !== cn(b, 5))),
      /claim 1: the bundle skips entries of cn-jsd in the window/,
    ],
    [
      "a no-answer claim's deadline is moved",
      (b) => ((b.claims![3] as { deadline: string }).deadline = '2023-02-05T19:00:03.000Z'),
      /claim 3: the request's deadline \(body disclosed\?\) is not 2023-02-05T19:00:03\.000Z/,
    ],
    [
      "a no-answer claim's receipt is an entry of the requester",
      (b) => ((b.claims![3] as { receipt: string }).receipt = b.claims![3]!.entry),
      /claim 3: the receipt is by us-js, not cn-jsd/,
    ],
    [
      "the request's body is withheld",
      (b) => delete b.entries.find((e) => e.header.type === 'request')!.body,
      /claim 3: the request's deadline \(body disclosed\?\) is not/,
    ],
  ];

  for (const [what, tamper, message] of tampered) {
    it(`fails when ${what}`, async () => {
      const copy = structuredClone(bundle);
      tamper(copy);
      assert.throws(() => verifyBundle(copy), 'parley verify refuses it too');
      const { status, stdout, stderr } = await recipe(what.replace(/\W+/g, '-'), copy);
      assert.notEqual(status, 0, stdout);
      assert.match(stderr, message);
    });
  }
});
