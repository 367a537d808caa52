import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acceptOffer, cli, control, eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';
import type { EngagementViews } from './fold.js';

const lastLine = (out: string) => out.trim().split('\n').pop()!;

describe('parley act between two served nodes', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  const views = (p: Party) => control<EngagementViews>(p.dir, 'engagements', { channel });
  const act = (p: Party, type: string, body: string, ...more: string[]) =>
    cli(['act', '--dir', p.dir, '--channel', channel, '--type', type, '--body', body, ...more]);

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = lastLine(
      await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Engagement', '--members', 'us-js,cn-jsd']),
    );
    await acceptOffer(cn, channel);
    await eventually(async () => (await views(us)).charter !== undefined, 20_000, 'active at us-js');
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it('amends the charter from a file, accepts it, and answers a request, all with parley act', async () => {
    const { charter } = await views(us);
    const mechanism = {
      id: 'dtl',
      names: Object.fromEntries(charter.languages.map((l) => [l, 'Defense Telephone Link'])),
      level: 2,
      kinds: ['call', 'video-teleconference'],
      counterparts: [],
    };
    const file = join(root, 'amend.json');
    writeFileSync(file, JSON.stringify({ charter: { ...charter, mechanisms: [mechanism] }, summary: 'Adds the DTL' }));
    const amend = await act(us, 'charter-amend', `@${file}`);
    assert.equal(amend.code, 0, amend.stderr);
    assert.match(amend.stdout, /^charter-amend by cli as seq \d+ at /);
    const amendment = lastLine(amend.stdout);
    await eventually(async () => (await views(cn)).amendments.length === 1, 20_000, 'amendment at cn-jsd');
    const accept = await act(cn, 'charter-accept', JSON.stringify({ amendment }));
    assert.equal(accept.code, 0, accept.stderr);
    await eventually(async () => (await views(us)).mechanisms.length === 1, 20_000, 'in force at us-js');

    const start = new Date(Date.now() + 7 * 24 * 3_600_000).toISOString();
    const request = {
      mechanism: 'dtl',
      kind: 'call',
      subject: 'Call between chiefs of defence',
      language: 'en',
      principals: {
        requester: [{ name: 'A', title: 'Chairman', party: 'us-js' }],
        responder: [{ name: 'B', title: 'Chief', party: 'cn-jsd' }],
      },
      slots: [{ start, durationMinutes: 30, timeZone: 'UTC' }],
      agenda: ['Crisis communication'],
    };
    const made = await act(us, 'request', JSON.stringify(request), '--json');
    assert.equal(made.code, 0, made.stderr);
    const id = (JSON.parse(made.stdout) as { id: string }).id;
    await eventually(async () => (await views(cn)).requests.some((r) => r.id === id), 20_000, 'request at cn-jsd');
    const wrong = await act(cn, 'request-accept', JSON.stringify({ request: id, slot: 9 }));
    assert.notEqual(wrong.code, 0);
    assert.match(
      wrong.stderr,
      new RegExp(
        `PARLEY_E_RULE: request-accept refused: slot 9 is not among the 1 slot\\(s\\) proposed in ${id.slice(0, 8)}`,
      ),
    );
    const accepted = await act(cn, 'request-accept', JSON.stringify({ request: id, slot: 0 }));
    assert.equal(accepted.code, 0, accepted.stderr);
    const r = await eventually(
      async () => (await views(us)).requests.find((x) => x.id === id && x.state === 'accepted'),
      20_000,
      'accepted at us-js',
    );
    assert.equal(r.accepted?.slot.start, start);
  });
});
