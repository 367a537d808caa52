import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exerciseFormat } from '@parley/contract';
import { CN, charter, entry, t, US } from './_fixtures.js';
import { engagementViews, foldEngagement } from './fold.js';
import { charterHash } from './mechanisms.js';
import { formatProblem } from './notifications.js';
import { compareReadouts, readoutView } from './readouts.js';

const views = (entries: Parameters<typeof foldEngagement>[1], now = t(28)) =>
  engagementViews(foldEngagement(charter(), entries), now);

describe('charter amendments', () => {
  const base = charter();
  const amended = { ...base, mechanisms: [...base.mechanisms, { ...base.mechanisms[0]!, id: 'dpct', level: 3 }] };

  it('puts an amendment in force when every other member accepts its hash', () => {
    const amend = entry(US, 'charter-amend', t(1), { charter: amended, summary: 'DPCT' });
    const wrong = entry(CN, 'charter-accept', t(2), { amendment: amend.id, charterHash: charterHash(base) });
    const right = entry(CN, 'charter-accept', t(3), { amendment: amend.id, charterHash: charterHash(amended) });
    const v = views([amend, wrong, right]);
    assert.equal(v.violations[0]?.reason, `charterHash is not the hash of amendment ${amend.id.slice(0, 8)}'s charter`);
    assert.deepEqual(
      v.mechanisms.map((m) => m.id),
      ['dtl', 'mmca', 'dpct'],
    );
    assert.equal(v.amendments[0]?.inForceAt, t(3));
  });

  it('refuses amendments that change members or leave a mechanism unnamed in a language', () => {
    const members = {
      ...amended,
      members: amended.members.map((m) => ({ ...m, key: m.id === US ? 'C'.repeat(43) : m.key })),
    };
    const unnamed = { ...base, mechanisms: [{ ...base.mechanisms[0]!, names: { en: 'DTL' } }] };
    const v = views([
      entry(US, 'charter-amend', t(1), { charter: members, summary: 'keys' }),
      entry(US, 'charter-amend', t(1), { charter: unnamed, summary: 'names' }),
      entry(US, 'charter-amend', t(1), { charter: base, summary: 'same' }),
    ]);
    assert.deepEqual(
      v.violations.map((x) => x.reason),
      [
        'an amendment keeps the members and their keys (keys change by key-rotate)',
        'mechanism dtl has no name in zh-Hans',
        'the amended charter is the charter in force',
      ],
    );
  });
});

describe('commitments', () => {
  it('builds the tree, and flags divergent and overdue claims', () => {
    const root = entry(US, 'commitment-propose', t(1), {
      text: 'Resume communication',
      language: 'en',
      due: '2023-12-05',
    });
    const child = entry(CN, 'commitment-propose', t(1, 1), { text: 'Theater calls', language: 'en', parent: root.id });
    const orphan = entry(CN, 'commitment-propose', t(1, 2), { text: 'x', language: 'en', parent: 'Z'.repeat(43) });
    const v = views([
      root,
      child,
      orphan,
      entry(CN, 'commitment-agree', t(2), { commitment: root.id }),
      entry(US, 'commitment-agree', t(2), { commitment: root.id }),
      entry(US, 'commitment-status', t(3), { commitment: root.id, status: 'stalled', note: 'n', evidence: [] }),
      entry(CN, 'commitment-status', t(3), { commitment: root.id, status: 'on-track', note: 'n', evidence: [] }),
    ]);
    const r = v.commitments.find((c) => c.id === root.id)!;
    assert.deepEqual(r.children, [child.id]);
    assert.equal(r.divergent, true);
    assert.equal(r.overdue, true);
    assert.deepEqual(
      v.violations.map((x) => x.reason),
      [
        `parent ZZZZZZZZ is not a commitment in this channel`,
        `us-js proposed commitment ${root.id.slice(0, 8)}: the other members agree to it`,
      ],
    );
  });

  it('takes no agreement to, and nothing under, a flagged commitment', () => {
    const orphan = entry(CN, 'commitment-propose', t(1), { text: 'x', language: 'en', parent: 'Z'.repeat(43) });
    const under = entry(CN, 'commitment-propose', t(2), { text: 'y', language: 'en', parent: orphan.id });
    const agree = entry(US, 'commitment-agree', t(2), { commitment: orphan.id });
    const v = views([orphan, under, agree]);
    const flagged = `${orphan.id.slice(0, 8)} is flagged (parent ZZZZZZZZ is not a commitment in this channel)`;
    assert.deepEqual(
      v.violations.map((x) => x.reason),
      [
        'parent ZZZZZZZZ is not a commitment in this channel',
        `parent ${flagged}: nothing is proposed under it`,
        `commitment ${flagged}: it cannot be agreed to`,
      ],
    );
    assert.deepEqual(v.commitments.find((c) => c.id === orphan.id)?.agreedBy, []);
  });
});

describe('incidents and notifications', () => {
  it('takes responses only from another member and shows the state', () => {
    const report = entry(US, 'incident-report', t(1), { narrative: 'n' });
    const v = views([
      report,
      entry(US, 'incident-response', t(2), { incident: report.id, response: 'regret' }),
      entry(CN, 'incident-response', t(2), { incident: report.id, response: 'contest', account: 'a' }),
    ]);
    assert.equal(v.incidents[0]?.state, 'contested');
    assert.equal(v.violations.length, 1);
  });

  it('validates data against the format and marks late acknowledgements', () => {
    assert.deepEqual(formatProblem(exerciseFormat, { name: 'x' }), {
      path: 'data',
      reason: "must have required property 'exerciseType'",
    });
    const n = entry(CN, 'notification', t(1), { format: 'missile-launch', data: {}, language: 'en' });
    const v = views([n]);
    assert.match(v.violations[0]?.reason ?? '', /^data: must have required property/);
    const ok = entry(CN, 'notification', t(1), {
      format: 'exercise',
      language: 'en',
      data: {
        name: 'x',
        exerciseType: 'air',
        start: t(2),
        end: t(3),
        area: { centre: { lat: 1, lon: 1 }, radiusKm: 1 },
        forces: [{ service: 'navy', description: 'd' }],
      },
    });
    const late = entry(US, 'notification-ack', t(3), { notification: ok.id, by: 'duty' });
    const w = views([ok, late], t(4));
    const got = w.notifications.find((x) => x.id === ok.id)!;
    assert.equal(got.ackDeadline, t(2));
    assert.equal(got.acks[0]?.late, true);
    assert.equal(got.overdue, true);
    assert.deepEqual(got.awaiting, []);
  });

  it('flags, never throws on, a format whose schema Ajv cannot compile (a remote $ref), and refuses amending one in', () => {
    const remote = {
      ...exerciseFormat,
      id: 'remote',
      schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', $ref: 'https://evil.example/s.json' },
    };
    const base = charter();
    const withRemote = charter({ notificationFormats: [...base.notificationFormats, remote] });
    // In the genesis charter (co-signed, so it got there by mistake): every notification in it is flagged.
    const n = entry(CN, 'notification', t(1), { format: 'remote', data: {}, language: 'en' });
    const v = engagementViews(foldEngagement(withRemote, [n]), t(2));
    assert.equal(v.violations.length, 1);
    assert.match(v.violations[0]!.reason, /^format: its schema does not compile \(can't resolve reference/);
    assert.equal(v.notifications[0]?.invalid, v.violations[0]!.reason);
    assert.equal(engagementViews(foldEngagement(withRemote, [n]), t(20)).notifications[0]?.overdue, false);
    // Amended in by a peer: the amendment is flagged, so no one can accept it into force.
    const amend = entry(CN, 'charter-amend', t(1), { charter: withRemote, summary: 'remote' });
    const w = views([amend]);
    assert.match(w.violations[0]?.reason ?? '', /^notification format remote: its schema does not compile/);
    assert.deepEqual(w.amendments, []);
  });
});

describe('readout comparison', () => {
  it('counts glossary terms per side in either language, and what only one side says', () => {
    const meeting = 'M'.repeat(43);
    const us = readoutView(
      entry(US, 'readout', t(21), {
        meeting,
        text: 'Avoid miscalculation; keep open lines of communication; responsibly manage competition.',
        language: 'en',
        visibility: 'public',
      }),
      [US, CN],
    );
    const cn = readoutView(
      entry(US, 'readout', t(21), {
        meeting,
        text: '要尊重中国的核心利益。Respect, RESPECT and communication.',
        language: 'zh-Hans',
        visibility: 'public',
        external: true,
        externalSource: { url: 'https://example.org/cn', retrievedAt: t(22) },
      }),
      [US, CN],
    );
    assert.equal(cn.side, CN);
    const c = compareReadouts(meeting, [us, cn], charter().glossary, [US, CN]);
    assert.deepEqual(
      c.terms.map((x) => [x.terms.en, x.counts]),
      [
        ['respect', { [US]: 0, [CN]: 3 }],
        ['miscalculation', { [US]: 1, [CN]: 0 }],
        ['core interests', { [US]: 0, [CN]: 1 }],
      ],
    );
    assert.deepEqual(c.termsOnlyBy, { [US]: ['miscalculation'], [CN]: ['respect', 'core interests'] });
    // One side's readout alone: nothing to compare with, so nothing is "only" that side's.
    const alone = compareReadouts(meeting, [us], charter().glossary, [US, CN]);
    assert.deepEqual(alone.termsOnlyBy, { [US]: [], [CN]: [] });
    assert.deepEqual(alone.wordsOnlyBy, { [US]: [], [CN]: [] });
    assert.deepEqual(alone.terms[1]?.counts, { [US]: 1, [CN]: 0 });
    assert.ok(c.wordsOnlyBy[US]!.some((w) => w.word === 'competition'));
    assert.ok(!c.wordsOnlyBy[US]!.some((w) => w.word === 'communication'));
  });
});
