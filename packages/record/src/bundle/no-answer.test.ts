import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Claim, examples, isParleyError } from '@parley/contract';
import type { SignedEntry } from '../entry/entry.js';
import type { JsonValue } from '../jcs/parse.js';
import { clone, sign } from '../test-util/factory.js';
import { type Entry, TestRecord } from '../test-util/record.js';
import { checkpointBound } from './_util.js';
import { buildBundle } from './build.js';
import { planNoAnswer } from './no-answer.js';
import { verifyBundle } from './verify.js';

const deadline = '2023-02-06T19:00:03.000Z';

/**
 * us-js asks cn-jsd for a call; cn-jsd's node stores it (receipt), then
 * writes routine entries and a decline of an earlier, other request; its
 * first entry after the deadline closes the run. `answer` adds an answer to
 * the request before the deadline: by refs, or only inside its body.
 */
function silence(options: { answer?: 'refs' | 'body'; after?: boolean } = {}) {
  const rec = new TestRecord();
  const earlier = rec.append('us-js', 'request', {
    ...examples.request,
    subject: 'An earlier request',
    deadline,
  } as unknown as JsonValue);
  rec.receipt('cn-jsd');
  rec.tick(60_000);
  const request = rec.append('us-js', 'request', { ...examples.request, deadline } as unknown as JsonValue);
  const receipt = rec.receipt('cn-jsd');
  for (let i = 0; i < 4; i++) {
    rec.tick(3_600_000);
    rec.message('cn-jsd', `Routine ${i}`);
    if (i === 1) {
      rec.append('cn-jsd', 'request-decline', { request: earlier.id, reason: 'Not now' }, { refs: [earlier.id] });
    }
    if (i === 2 && options.answer) {
      rec.append(
        'cn-jsd',
        'request-decline',
        { request: request.id, reason: 'The conditions are not met' },
        { refs: options.answer === 'refs' ? [request.id] : [] },
      );
    }
    rec.receipt('us-js');
  }
  if (options.after !== false) {
    rec.tick(2 * 86_400_000);
    rec.message('cn-jsd', 'After the deadline');
  }
  return { rec, request, receipt, earlier };
}

function bundleOf(c: ReturnType<typeof silence>, extra: { checkpoints?: string[]; proofs?: never[] } = {}) {
  const plan = planNoAnswer(c.request, c.rec.index('cn-jsd'), c.rec.index('us-js'), 'cn-jsd', deadline);
  const claims: Claim[] = [
    { kind: 'no-answer', party: 'cn-jsd', entry: c.request.id, receipt: plan.witness.id, deadline },
  ];
  return {
    plan,
    claims,
    ...buildBundle({
      channel: c.rec.channel,
      keys: c.rec.keys(),
      entries: plan.entries,
      disclose: plan.disclose,
      claims,
      ...extra,
    }),
  };
}

type Mutable = {
  entries: Array<{ header: Record<string, unknown>; sig: string; body?: unknown }>;
  claims: Array<Record<string, unknown>>;
};

const claimFails = (pattern: RegExp) => (e: unknown) =>
  isParleyError(e, 'PARLEY_E_CLAIM') && pattern.test(String(e.details.reason));

describe('no-answer claims (evidence of silence)', () => {
  it('proves that cn-jsd stored the request and its feed holds no answer up to the deadline', () => {
    const c = silence();
    const { bundle, report, plan } = bundleOf(c);
    assert.equal(plan.witness.id, c.receipt.id);
    assert.equal(report.claims.length, 1);
    const statement = report.claims[0]!.statement;
    assert.match(
      statement,
      new RegExp(
        `^cn-jsd stored request ${c.request.id} \\(us-js seq 2\\) at ${c.receipt.header.time} \\(receipt seq 2\\) and its feed holds no answer to it up to the deadline ${deadline} \\(seq 1\\.\\.\\d+, seq \\d+ is its first entry after the deadline`,
      ),
    );
    assert.match(statement, /1 entry of an answer type, disclosed, answering other requests/);
    // Bodies withheld except the request and the entries of an answer type.
    const disclosed = bundle.entries.filter((e) => e.body !== undefined).map((e) => e.header.type);
    assert.deepEqual(disclosed.sort(), ['request', 'request-decline']);
    assert.ok(bundle.entries.some((e) => e.header.type === 'message' && e.body === undefined));
    // The bundle holds JSON-clean data that still verifies after a round trip.
    assert.equal(verifyBundle(JSON.parse(JSON.stringify(bundle))).claims.length, 1);
  });

  it('the exporter refuses when the feed answers the request, by refs or only in a body', () => {
    for (const answer of ['refs', 'body'] as const) {
      const c = silence({ answer });
      assert.throws(
        () => planNoAnswer(c.request, c.rec.index('cn-jsd'), c.rec.index('us-js'), 'cn-jsd', deadline),
        (e) => isParleyError(e, 'PARLEY_E_REQUEST_ANSWERED') && e.details.type === 'request-decline',
        answer,
      );
    }
  });

  it('fails when an answer is in the run, whether its body is disclosed or withheld', () => {
    const c = silence({ answer: 'body' });
    const claims: Claim[] = [
      { kind: 'no-answer', party: 'cn-jsd', entry: c.request.id, receipt: c.receipt.id, deadline },
    ];
    const entries = [...c.rec.feeds.get('us-js')!.slice(0, 2), ...c.rec.feeds.get('cn-jsd')!];
    assert.throws(
      () =>
        buildBundle({
          channel: c.rec.channel,
          keys: c.rec.keys(),
          entries,
          claims,
          disclose: (e) => e.header.type.startsWith('request'),
        }),
      claimFails(/seq \d+ \(request-decline, .*\) answers the request/),
    );
    assert.throws(
      () =>
        buildBundle({
          channel: c.rec.channel,
          keys: c.rec.keys(),
          entries,
          claims,
          disclose: (e) => e.header.type === 'request',
        }),
      claimFails(/request-decline whose body is withheld, so it may answer the request/),
    );
  });

  it('fails when an entry of the run is dropped', () => {
    const c = silence();
    const { bundle } = bundleOf(c);
    const runSeqs = bundle.entries.filter((e) => e.header.author === 'cn-jsd').map((e) => e.header.seq);
    for (const seq of runSeqs) {
      const copy = clone(bundle) as unknown as Mutable;
      copy.entries = copy.entries.filter((e) => !(e.header.author === 'cn-jsd' && e.header.seq === seq));
      assert.throws(
        () => verifyBundle(copy),
        (e) => isParleyError(e),
        `dropping cn-jsd seq ${seq}`,
      );
    }
  });

  it('fails when an answer is inserted (re-signed by the party: a fork of the feed it showed)', () => {
    const c = silence();
    const { bundle } = bundleOf(c);
    const copy = clone(bundle) as unknown as Mutable;
    const victim = copy.entries.find((e) => e.header.author === 'cn-jsd' && e.header.type === 'message')!;
    const forged = sign(
      {
        ...(victim.header as unknown as SignedEntry['header']),
        type: 'request-decline',
        refs: [c.request.id],
        body: { request: c.request.id, reason: 'Declined' },
      },
      c.rec.signers['cn-jsd']!,
    );
    victim.header = forged.header as unknown as Record<string, unknown>;
    victim.sig = forged.sig;
    victim.body = forged.body;
    assert.throws(
      () => verifyBundle(copy),
      (e) => isParleyError(e),
    );
  });

  it('fails when the deadline is changed, in either direction', () => {
    const c = silence();
    const { bundle } = bundleOf(c);
    for (const other of ['2023-02-05T19:00:03.000Z', '2023-02-07T19:00:03.000Z']) {
      const copy = clone(bundle) as unknown as Mutable;
      copy.claims[0]!.deadline = other;
      assert.throws(() => verifyBundle(copy), claimFails(/the request's deadline is 2023-02-06T19:00:03.000Z, not/));
    }
  });

  it('fails on a forged receipt: an entry of the requester, one whose heads stop short, or a re-signed one', () => {
    const c = silence();
    const { bundle } = bundleOf(c);
    const ownReceipt = c.rec.feeds.get('us-js')!.find((e) => e.header.type === 'receipt')!;
    const byRequester = clone(bundle) as unknown as Mutable;
    byRequester.entries.push(clone(ownReceipt) as unknown as Mutable['entries'][number]);
    byRequester.claims[0]!.receipt = ownReceipt.id;
    assert.throws(
      () => verifyBundle(byRequester),
      (e) => isParleyError(e),
    );

    const early = c.rec.feeds.get('cn-jsd')![0]!; // acknowledges only the earlier request
    const short = clone(bundle) as unknown as Mutable;
    short.claims[0]!.receipt = early.id;
    assert.throws(() => verifyBundle(short), claimFails(/heads do not reach us-js seq 2/));

    const forged = clone(bundle) as unknown as Mutable;
    const receipt = forged.entries.find((e) => e.header.author === 'cn-jsd' && e.header.seq === c.receipt.header.seq)!;
    const resigned = sign(
      receipt.header as unknown as SignedEntry['header'] & { body: JsonValue },
      c.rec.signers['us-js']!,
    );
    receipt.sig = resigned.sig;
    assert.throws(
      () => verifyBundle(forged),
      (e) => isParleyError(e, 'PARLEY_E_BAD_SIGNATURE'),
    );
  });

  it("fails when the request's body is withheld, or the claimed party is not its responder", () => {
    const c = silence();
    const { plan, claims } = bundleOf(c);
    assert.throws(
      () =>
        buildBundle({
          channel: c.rec.channel,
          keys: c.rec.keys(),
          entries: plan.entries,
          claims,
          disclose: (e) => e.header.type !== 'request',
        }),
      claimFails(/body is withheld, so its deadline is not shown/),
    );
    const three = new TestRecord(['cn-jsd', 'us-js', 'jp-js']);
    const request = three.append('us-js', 'request', { ...examples.request, deadline } as unknown as JsonValue);
    const witness = three.receipt('jp-js');
    three.tick(3 * 86_400_000);
    three.message('jp-js', 'Later');
    const p = planNoAnswer(request, three.index('jp-js'), three.index('us-js'), 'jp-js', deadline);
    assert.equal(p.witness.id, witness.id);
    assert.throws(
      () =>
        buildBundle({
          channel: three.channel,
          keys: three.keys(),
          entries: p.entries,
          disclose: p.disclose,
          claims: [{ kind: 'no-answer', party: 'jp-js', entry: request.id, receipt: witness.id, deadline }],
        }),
      claimFails(/names no responder of jp-js/),
    );
  });

  it('with no entry after the deadline, needs a checkpoint cosigned at or after it', () => {
    const c = silence({ after: false });
    const plan = planNoAnswer(c.request, c.rec.index('cn-jsd'), c.rec.index('us-js'), 'cn-jsd', deadline);
    assert.equal(plan.needsCheckpoint, true);
    const claims: Claim[] = [
      { kind: 'no-answer', party: 'cn-jsd', entry: c.request.id, receipt: plan.witness.id, deadline },
    ];
    const base = { channel: c.rec.channel, keys: c.rec.keys(), entries: plan.entries, disclose: plan.disclose, claims };
    assert.throws(() => buildBundle(base), claimFails(/nothing shows that cn-jsd wrote no more entries/));
    const early = checkpointBound(c.rec, 'cn-jsd', 'us-js', Date.parse(deadline) / 1000 - 60);
    assert.throws(
      () => buildBundle({ ...base, checkpoints: [early.note], proofs: [early.proof] }),
      claimFails(/nothing shows/),
    );
    const late = checkpointBound(c.rec, 'cn-jsd', 'us-js', Date.parse(deadline) / 1000 + 60);
    const { report } = buildBundle({ ...base, checkpoints: [late.note], proofs: [late.proof] });
    assert.match(report.claims[0]!.statement, /checkpoint of size \d+ cosigned by us-js at 2023-02-06T19:01:03.000Z/);
  });

  it('a claim about an entry that is not a request fails', () => {
    const c = silence();
    const { bundle } = bundleOf(c);
    const copy = clone(bundle) as unknown as Mutable;
    const message = c.rec.feeds.get('us-js')!.find((e: Entry) => e.header.type === 'receipt')!;
    copy.entries.push(clone(message) as unknown as Mutable['entries'][number]);
    copy.claims[0]!.entry = message.id;
    assert.throws(
      () => verifyBundle(copy),
      (e) => isParleyError(e),
    );
  });
});
