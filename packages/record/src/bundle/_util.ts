import { type Claim, examples, type Proof } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import type { JsonValue } from '../jcs/parse.js';
import { type Entry, TestRecord } from '../test-util/record.js';
import { type BundleInput, buildBundle, planNoReference, planStored } from './build.js';

/**
 * The case Parley exists for: us-js asks for a call; cn-jsd's node stores the
 * request (its receipt says so); cn-jsd keeps writing for two days, never about
 * the request. Built as an exporter would, with only the request's body disclosed.
 */
export function unansweredCase(options: { answer?: boolean; afterDeadline?: boolean } = {}) {
  const rec = new TestRecord();
  rec.message('us-js', 'Balloon');
  const request = rec.append('us-js', 'request', {
    ...examples.request,
    deadline: '2023-02-06T19:00:03.000Z',
  } as unknown as JsonValue);
  const witness = rec.receipt('cn-jsd');
  const deadline = '2023-02-06T19:00:03.000Z';
  for (let i = 0; i < 5; i++) {
    rec.tick(3_600_000);
    rec.message('cn-jsd', `Routine ${i}`, options.answer && i === 3 ? [request.id] : []);
    rec.receipt('us-js');
  }
  if (options.afterDeadline !== false) {
    rec.tick(2 * 86_400_000);
    rec.message('cn-jsd', 'After the deadline');
  }
  return { rec, request, witness, deadline };
}

/** Plans and builds the bundle proving `request` was stored by cn-jsd and left unanswered. */
export function unansweredBundle(c: ReturnType<typeof unansweredCase>, extra: Partial<BundleInput> = {}) {
  const { rec, request, witness, deadline } = c;
  const stored = planStored(request, rec.index('cn-jsd'), rec.index('us-js'), 'cn-jsd');
  const window = planNoReference(rec.index('cn-jsd'), request.header.time, deadline);
  const claims: Claim[] = [
    { kind: 'stored', entry: request.id, by: 'cn-jsd', witness: witness.id },
    { kind: 'no-reference', party: 'cn-jsd', entry: request.id, from: request.header.time, to: deadline },
  ];
  return buildBundle({
    channel: rec.channel,
    keys: rec.keys(),
    entries: [...stored.entries, ...window.entries],
    disclose: (e) => e.header.type === 'request',
    claims,
    ...extra,
  });
}

/** A cosigned checkpoint of `author`'s whole feed plus the inclusion proof of its last entry. */
export function checkpointBound(rec: TestRecord, author: string, cosigner: string, atSeconds: number) {
  const note = rec.checkpoint(author, [cosigner], atSeconds);
  const log = rec.logs.get(author)!;
  const last = rec.feeds.get(author)!.at(-1) as Entry;
  const proof: Proof = {
    type: 'inclusion',
    checkpoint: 0,
    entry: last.id,
    hashes: log.inclusionProof(log.size - 1).map((h) => toBase64url(h)),
  };
  return { note, proof, last };
}
