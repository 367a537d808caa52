import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { EngagementViews } from '../engagement/fold.js';
import { forEachNodeDialect } from '../test-util/node-databases.js';
import { acceptOffer, cli, control, eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

const lastLine = (out: string) => out.trim().split('\n').pop()!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * End to end, as an operator would: two served nodes, a request cn-jsd's node
 * stores and nobody answers, then `parley export --prove-unanswered` and
 * `parley verify` on the file it wrote.
 */
forEachNodeDialect('parley export --prove-unanswered between two served nodes', (databases) => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  const views = (p: Party) => control<EngagementViews>(p.dir, 'engagements', { channel });
  const act = (p: Party, type: string, body: string, ...more: string[]) =>
    cli(['act', '--dir', p.dir, '--channel', channel, '--type', type, '--body', body, ...more], p.env);

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'], (p) => databases.envFor(p))) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = lastLine(
      await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Silence', '--members', 'us-js,cn-jsd'], us.env),
    );
    await acceptOffer(cn, channel);
    await eventually(async () => (await views(us)).charter !== undefined, 20_000, 'active at us-js');
    const { charter } = await views(us);
    const mechanism = {
      id: 'dtl',
      names: Object.fromEntries(charter.languages.map((l) => [l, 'Defense Telephone Link'])),
      level: 2,
      kinds: ['call'],
      counterparts: [],
    };
    const file = join(root, 'amend.json');
    writeFileSync(file, JSON.stringify({ charter: { ...charter, mechanisms: [mechanism] }, summary: 'Adds the DTL' }));
    const amendment = lastLine((await act(us, 'charter-amend', `@${file}`)).stdout);
    await eventually(async () => (await views(cn)).amendments.length === 1, 20_000, 'amendment at cn-jsd');
    assert.equal((await act(cn, 'charter-accept', JSON.stringify({ amendment }))).code, 0);
    await eventually(async () => (await views(us)).mechanisms.length === 1, 20_000, 'in force at us-js');
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it('refuses before the deadline; after it, writes a bundle that parley verify proves', async () => {
    const deadline = new Date(Date.now() + 10_000).toISOString();
    const request = {
      mechanism: 'dtl',
      kind: 'call',
      subject: 'Call between chiefs of defence',
      language: 'en',
      principals: {
        requester: [{ name: 'A', title: 'Chairman', party: 'us-js' }],
        responder: [{ name: 'B', title: 'Chief', party: 'cn-jsd' }],
      },
      slots: [{ start: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 30, timeZone: 'UTC' }],
      agenda: ['Crisis communication'],
      deadline,
    };
    const made = await act(us, 'request', JSON.stringify(request), '--json');
    assert.equal(made.code, 0, made.stderr);
    const id = (JSON.parse(made.stdout) as { id: string }).id;
    await eventually(async () => (await views(cn)).requests.some((r) => r.id === id), 20_000, 'request at cn-jsd');

    const early = await cli(['export', '--dir', us.dir, '--prove-unanswered', id], us.env);
    assert.notEqual(early.code, 0);
    assert.match(early.stderr, /PARLEY_E_NOT_UNANSWERED_YET/);

    await sleep(Math.max(0, Date.parse(deadline) - Date.now() + 500));
    // Anything us-js writes after the deadline makes cn-jsd's node answer with a receipt dated after it.
    const later = { ...request, subject: 'A second call', deadline: new Date(Date.now() + 3_600_000).toISOString() };
    assert.equal((await act(us, 'request', JSON.stringify(later))).code, 0);
    const file = join(root, 'silence.json');
    const exported = await eventually(
      async () => {
        const r = await cli(['export', '--dir', us.dir, '--prove-unanswered', id], us.env);
        return r.code === 0 ? r.stdout : undefined;
      },
      20_000,
      'a later entry of cn-jsd at us-js',
    );
    writeFileSync(file, exported);
    const verified = await cli(['verify', file]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(
      verified.stdout,
      new RegExp(
        `✔ claim 0: cn-jsd stored request ${id} \\(us-js seq \\d+\\) at \\S+ \\(receipt seq \\d+\\) and its feed holds no answer to it up to the deadline ${deadline} \\(seq \\d+\\.\\.\\d+, seq \\d+ is its first entry after the deadline`,
      ),
    );
  });
});
