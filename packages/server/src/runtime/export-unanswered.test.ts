import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { examples, isParleyError } from '@parley/contract';
import { cosignCheckpoint, feedOrigin, type JsonValue, signCheckpoint, toBase64, verifyBundle } from '@parley/record';
import { parley, tempDir } from '../cli/_util.js';
import { minute, nodePair, type Pair, t0 } from '../hotline/_util.js';
import { feedRoot } from '../node/feed-root.js';
import { forEachDialect } from '../store/_util.js';
import type { OpContext } from './operations.js';
import { operations } from './operations.js';

const hour = 60 * minute;
const deadline = new Date(t0 + 48 * hour).toISOString();

function requestBody(subject: string): JsonValue {
  const slot = { start: new Date(t0 + 72 * hour).toISOString(), durationMinutes: 60, timeZone: 'America/New_York' };
  return { ...examples.request, subject, slots: [slot], deadline } as unknown as JsonValue;
}

function ctxOf(pair: Pair): OpContext {
  return { open: { store: pair.us.store, node: pair.us } } as unknown as OpContext;
}

/** us-js asks; cn-jsd's node stores it (and answers with a receipt); cn-jsd declines another request meanwhile. */
async function asked(pair: Pair) {
  const other = await pair.us.append(pair.channel, { type: 'request', body: requestBody('Another matter') });
  const request = await pair.us.append(pair.channel, { type: 'request', body: requestBody('Video call') });
  await pair.settle();
  pair.clock.advance(hour);
  await pair.cn.append(pair.channel, {
    type: 'request-decline',
    body: { request: other.id, reason: 'Not at this time' },
    refs: [other.id],
  });
  await pair.settle();
  return { request: request.id, other: other.id };
}

forEachDialect('export --prove-unanswered', (target) => {
  it('refuses before the deadline, then proves the silence once cn-jsd writes after it', async () => {
    const pair = await nodePair(target);
    const { request } = await asked(pair);
    const exportIt = () => operations.export(ctxOf(pair), { 'prove-unanswered': request });
    await assert.rejects(
      exportIt,
      (e) => isParleyError(e, 'PARLEY_E_NOT_UNANSWERED_YET') && /has not passed/.test(String(e.details.reason)),
    );
    pair.clock.advance(48 * hour);
    await assert.rejects(
      exportIt,
      (e) =>
        isParleyError(e, 'PARLEY_E_NOT_UNANSWERED_YET') &&
        /no entry of cn-jsd dated after/.test(String(e.details.reason)),
    );
    // A later hotline message of us-js: cn-jsd's node stores it and writes a receipt, after the deadline.
    await pair.us.append(pair.channel, { type: 'receipt', body: {} });
    await pair.us.append(pair.channel, {
      type: 'message',
      body: { ...examples.message, subject: 'Still waiting' } as unknown as JsonValue,
      assignSerial: true,
    });
    await pair.settle();
    const bundle = (await exportIt()) as { entries: Array<{ header: { type: string }; body?: unknown }> };
    const report = verifyBundle(JSON.parse(JSON.stringify(bundle)));
    assert.equal(report.claims.length, 1);
    assert.match(
      report.claims[0]!.statement,
      new RegExp(
        `^cn-jsd stored request ${request} \\(us-js seq 2\\) at .* \\(receipt seq 1\\) and its feed holds no answer to it up to the deadline ${deadline} \\(seq 1\\.\\.\\d+, seq \\d+ is its first entry after the deadline`,
      ),
    );
    const disclosed = bundle.entries.filter((e) => e.body !== undefined).map((e) => e.header.type);
    assert.deepEqual(disclosed.sort(), ['request', 'request-decline']);

    // parley verify prints exactly that claim, and refuses a bundle whose deadline was moved.
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'silence.json');
      writeFileSync(file, JSON.stringify(bundle));
      const good = await parley(['verify', file]);
      assert.equal(good.code, 0, good.stdout + good.stderr);
      assert.ok(good.stdout.includes(`✔ claim 0: ${report.claims[0]!.statement}`), good.stdout);
      const moved = JSON.parse(JSON.stringify(bundle)) as { claims: Array<{ deadline: string }> };
      moved.claims[0]!.deadline = new Date(t0 + 24 * hour).toISOString();
      writeFileSync(file, JSON.stringify(moved));
      const bad = await parley(['verify', file]);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /PARLEY_E_CLAIM/);
      assert.match(bad.stdout, /NOT VERIFIED/);
    } finally {
      cleanup();
    }
  });

  it("with no entry of cn-jsd after the deadline, is bounded by cn-jsd's checkpoint cosigned after it", async () => {
    const pair = await nodePair(target);
    const { request } = await asked(pair);
    const size = (await pair.us.store.head(pair.channel, 'cn-jsd'))!.seq;
    const root = await feedRoot(pair.us.store, pair.channel, 'cn-jsd', size);
    const note = signCheckpoint({ origin: feedOrigin(pair.channel, 'cn-jsd'), size, root }, pair.cn.signer);
    const keep = async (seconds: number) =>
      pair.us.store.putCheckpoint({
        channel: pair.channel,
        author: 'cn-jsd',
        size,
        root: toBase64(root),
        note: cosignCheckpoint(note, pair.us.signer, feedOrigin(pair.channel, 'us-js'), seconds),
        createdAt: pair.us.now(),
      });
    pair.clock.advance(49 * hour);
    // Cosigned before the deadline: it cannot show that cn-jsd wrote nothing more up to it.
    await keep(Math.floor((t0 + 47 * hour) / 1000));
    const exportIt = () => operations.export(ctxOf(pair), { 'prove-unanswered': request });
    await assert.rejects(exportIt, (e) => isParleyError(e, 'PARLEY_E_NOT_UNANSWERED_YET'));
    await keep(Math.floor((t0 + 49 * hour) / 1000));
    const report = verifyBundle(JSON.parse(JSON.stringify(await exportIt())));
    assert.match(
      report.claims[0]!.statement,
      new RegExp(
        `no answer to it up to the deadline ${deadline} \\(seq 1\\.\\.${size}, checkpoint of size ${size} cosigned by us-js at `,
      ),
    );
  });

  it('refuses when cn-jsd answered, when the id is no request, and when the party is no responder', async () => {
    const pair = await nodePair(target);
    const { request, other } = await asked(pair);
    await pair.cn.append(pair.channel, {
      type: 'request-counter',
      body: {
        request,
        slots: [{ start: new Date(t0 + 96 * hour).toISOString(), durationMinutes: 30, timeZone: 'Asia/Shanghai' }],
        note: 'Later, please',
      },
      refs: [request],
    });
    const withdrawn = await pair.us.append(pair.channel, { type: 'request', body: requestBody('Withdrawn') });
    await pair.us.append(pair.channel, {
      type: 'request-withdraw',
      body: { request: withdrawn.id, reason: 'Overtaken by events' },
      refs: [withdrawn.id],
    });
    pair.clock.advance(72 * hour);
    await pair.us.append(pair.channel, { type: 'receipt', body: {} });
    await pair.settle();
    await assert.rejects(
      operations.export(ctxOf(pair), { 'prove-unanswered': request }),
      (e) => isParleyError(e, 'PARLEY_E_REQUEST_ANSWERED') && e.details.type === 'request-counter',
    );
    await assert.rejects(operations.export(ctxOf(pair), { 'prove-unanswered': other, party: 'us-js' }), (e) =>
      isParleyError(e, 'PARLEY_E_USAGE'),
    );
    await assert.rejects(
      operations.export(ctxOf(pair), { 'prove-unanswered': withdrawn.id }),
      (e) => isParleyError(e, 'PARLEY_E_USAGE') && /withdrew the request/.test(String(e.details.reason)),
    );
    const decline = (await pair.cn.store.range(pair.channel, 'cn-jsd', 1, 100)).find(
      (r) => r.type === 'request-decline',
    )!;
    await assert.rejects(operations.export(ctxOf(pair), { 'prove-unanswered': decline.id }), (e) =>
      isParleyError(e, 'PARLEY_E_NOT_FOUND'),
    );
  });
});
