import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  acceptOffer,
  cli,
  cliPath,
  eventually,
  initParties,
  liveStatus,
  ok,
  type Party,
  ServedNode,
  tempRoot,
} from '../test-util/nodes.js';

const lastLine = (out: string) => out.trim().split('\n').pop()!;

/** `parley user add … --password-stdin`, the password piped in. */
function addUser(dir: string, name: string, roles: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      cliPath,
      'user',
      'add',
      '--dir',
      dir,
      '--name',
      name,
      '--role',
      roles,
      '--password-stdin',
    ]);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`user add exited ${code}: ${out}`))));
    child.stdin.end('correct horse battery staple\n');
  });
}

describe('the hotline between two served nodes', () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  let routine = '';

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = lastLine(
      await ok([
        'channel',
        'propose',
        '--dir',
        us.dir,
        '--name',
        'Short targets',
        '--members',
        'us-js,cn-jsd',
        '--targets',
        'FLASH=1,IMMEDIATE=2,PRIORITY=3,ROUTINE=4',
      ]),
    );
    await acceptOffer(cn, channel);
    await eventually(
      async () => (await liveStatus(us.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
      20_000,
      'active at us-js',
    );
  });
  after(async () => {
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  const send = (dir: string, ...more: string[]) =>
    cli(['send', '--dir', dir, '--channel', channel, '--subject', 'Subject', '--text', 'Text.', ...more]);
  const log = async (p: Party) => (await ok(['log', '--dir', p.dir, '--channel', channel])).split('\n');
  const alarms = async (p: Party) => (await liveStatus(p.dir)).alarms.filter((a) => a.kind === 'handling-target');

  it('sends ROUTINE at once, as the named person', async () => {
    const r = await send(us.dir, '--as', 'ann');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sent serial 1 as seq 1 at \S+ \(by ann\)$/m);
    assert.match(r.stdout, /no users yet, so the command line acted with every role/);
    routine = lastLine(r.stdout);
  });

  it('drafts FLASH, refuses its drafter as releaser, and sends it when a second person releases it', async () => {
    const drafted = await send(us.dir, '--as', 'ann', '--precedence', 'FLASH');
    assert.equal(drafted.code, 0, drafted.stderr);
    assert.match(drafted.stdout, /^drafted FLASH by ann: it is under two-person release/);
    const draft = lastLine(drafted.stdout);
    assert.match(draft, /^[0-9a-f-]{36}$/);

    const alone = await cli(['release', '--dir', us.dir, '--as', 'ann', draft]);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /PARLEY_E_FORBIDDEN: forbidden: FLASH is under two-person release \(charter\)/);

    const released = await cli(['release', '--dir', us.dir, '--as', 'rex', draft]);
    assert.equal(released.code, 0, released.stderr);
    assert.match(released.stdout, /^released serial 2 as seq 2 at \S+ \(drafted by ann, released by rex\)$/m);
    const again = await cli(['release', '--dir', us.dir, '--as', 'roy', draft]);
    assert.match(again.stderr, /PARLEY_E_DRAFT_STATE: draft \S+ is released, not pending/);

    const flash = lastLine(released.stdout);
    await eventually(
      async () => (await log(cn)).some((l) => / us-js #2 message FLASH \[2\]/.test(l)),
      20_000,
      'FLASH at cn-jsd',
    );
    const ack = await cli(['ack', '--dir', cn.dir, '--channel', channel, '--as', 'duty', flash]);
    assert.equal(ack.code, 0, ack.stderr);
    assert.match(ack.stdout, /^acknowledged by duty as seq \d+ at /);
    assert.match(
      (await cli(['ack', '--dir', cn.dir, '--channel', channel, '--as', 'duty', flash])).stdout,
      /^already acknowledged/,
    );
    const own = await cli(['ack', '--dir', us.dir, '--channel', channel, flash]);
    assert.equal(own.code, 2);
    assert.match(own.stderr, /this party's own message: its receivers answer it/);
  });

  it('lets a releaser send FLASH alone with --emergency, flagged in the record', async () => {
    const r = await send(us.dir, '--as', 'rex', '--precedence', 'FLASH', '--emergency');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sent serial 3 as seq \d+ at \S+ \(by rex; EMERGENCY release, flagged\)$/m);
    const flash = lastLine(r.stdout);
    await eventually(
      async () => (await log(cn)).some((l) => / us-js #\d+ message FLASH \[3\]/.test(l)),
      20_000,
      'at cn-jsd',
    );
    assert.match(
      (await cli(['ack', '--dir', cn.dir, '--channel', channel, '--as', 'duty', flash])).stdout,
      /^acknowledged/,
    );
  });

  it('raises a handling-target alarm on both sides for the unacknowledged message, and clears both on ack', async () => {
    assert.deepEqual([await alarms(us), await alarms(cn)], [[], []], 'nothing due yet');
    // Five minutes on (ROUTINE's target is four): both nodes restart with clocks moved alike.
    const later = { PARLEY_CLOCK_OFFSET_MS: String(5 * 60_000) };
    for (const p of [us, cn]) {
      await p.node.stop();
      p.node = new ServedNode(p.dir, later);
      await p.node.start();
    }
    const [atUs] = await eventually(
      async () => {
        const a = await alarms(us);
        return a.length > 0 && a;
      },
      15_000,
      'alarm at us-js',
    );
    const [atCn] = await eventually(
      async () => {
        const a = await alarms(cn);
        return a.length > 0 && a;
      },
      15_000,
      'alarm at cn-jsd',
    );
    assert.match(
      atUs!.message,
      /^ROUTINE serial 1 "Subject" \(\d{6}Z [A-Z]{3} \d{2}\) to cn-jsd: no person there has acknowledged it/,
    );
    assert.match(atUs!.message, /cn-jsd's node stored it$/);
    assert.match(atCn!.message, /^ROUTINE serial 1 "Subject" \(.*\) from us-js: not acknowledged here by a person/);
    assert.equal((await alarms(us)).length, 1, 'the acknowledged FLASH messages raise nothing');

    const status = await ok(['status', '--dir', cn.dir]);
    assert.match(status, /ALARM handling-target: ROUTINE serial 1/);

    assert.match(
      (await cli(['ack', '--dir', cn.dir, '--channel', channel, '--as', 'duty', routine])).stdout,
      /^acknowledged/,
    );
    await eventually(async () => (await alarms(cn)).length === 0, 15_000, 'cleared at cn-jsd');
    await eventually(async () => (await alarms(us)).length === 0, 15_000, 'cleared at us-js');
  });

  it('takes roles from the users table once the node has users', async () => {
    const r = await send(cn.dir, '--as', 'cnop');
    assert.equal(r.code, 0, r.stderr);
    await addUser(us.dir, 'ops', 'operator');
    const nameless = await send(us.dir);
    assert.equal(nameless.code, 2);
    assert.match(nameless.stderr, /--as USER is required: this node has users/);
    const stranger = await send(us.dir, '--as', 'ann');
    assert.match(stranger.stderr, /PARLEY_E_FORBIDDEN: forbidden: ann is not an enabled user of this node/);
    const operator = await send(us.dir, '--as', 'ops', '--precedence', 'IMMEDIATE', '--emergency');
    assert.match(
      operator.stderr,
      /ops may not release a IMMEDIATE message alone in an emergency: that needs the releaser role/,
    );
    const sent = await send(us.dir, '--as', 'ops', '--precedence', 'PRIORITY');
    assert.equal(sent.code, 0, sent.stderr);
    assert.doesNotMatch(sent.stdout, /no users yet/);
  });
});
