import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acceptOffer, cli, eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

/** Sets a node's checkpoint policy in its config.json (before it serves). */
function checkpointEvery(dir: string, entries: number, seconds: number): void {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8'));
  config.checkpoints = { entries, seconds };
  writeFileSync(path, JSON.stringify(config));
}

describe('what a node does on its own', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    checkpointEvery(us.dir, 3, 3600);
    checkpointEvery(cn.dir, 1000, 2);
    await us.node.start();
    await cn.node.start();
    channel = (await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Automation', '--members', 'us-js,cn-jsd']))
      .trim()
      .split('\n')
      .pop()!;
    await acceptOffer(cn, channel);
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  const log = async (p: Party) => (await ok(['log', '--dir', p.dir, '--channel', channel])).split('\n');

  it('checkpoints after N content entries, and the peer cosigns it after checking its own copy', async () => {
    for (let i = 0; i < 3; i++)
      await ok(['send', '--dir', us.dir, '--channel', channel, '--subject', `m${i}`, '--text', 'x']);
    const line = await eventually(
      async () => (await log(us)).find((l) => / us-js #\d+ checkpoint$/.test(l)),
      20_000,
      'checkpoint by us-js',
    );
    assert.match(line, / us-js #4 checkpoint$/, 'the checkpoint follows the three messages');
    await eventually(
      async () => (await log(us)).find((l) => / cn-jsd #\d+ cosign$/.test(l)),
      20_000,
      'cosign by cn-jsd',
    );
    const file = join(root, 'bundle.json');
    await eventually(
      async () => {
        writeFileSync(file, await ok(['export', '--dir', us.dir, '--channel', channel]));
        const r = await cli(['verify', file]);
        return (
          r.code === 0 &&
          /checkpoint \d+: us-js's feed had 3 entries \(root .*\); cosigned by cn-jsd at /.test(r.stdout)
        );
      },
      20_000,
      'cosigned checkpoint in the export',
    );
  });

  it('checkpoints after M seconds when fewer than N content entries were written', async () => {
    await ok(['send', '--dir', cn.dir, '--channel', channel, '--subject', 'one', '--text', 'x']);
    await eventually(
      async () => (await log(cn)).find((l) => / cn-jsd #\d+ checkpoint$/.test(l)),
      20_000,
      'timed checkpoint by cn-jsd',
    );
  });
});
