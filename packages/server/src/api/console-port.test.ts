import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, cliPath, initParties, type Party, type Run, tempRoot } from '../test-util/nodes.js';

/** The real CLI with `input` on its standard input. */
function cliWithInput(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('parley user add, then the console API on the console port of parley serve', () => {
  const { root, cleanup } = tempRoot();
  let a: Party;
  let consoleUrl = '';
  const secret = 'a long admin password';

  before(async () => {
    [a] = (await initParties(root, ['us-js'])) as [Party];
  });
  after(async () => {
    await a?.node.stop();
    cleanup();
  });

  it('refuses to add a user without a password (no terminal to ask on)', async () => {
    const r = await cli(['user', 'add', '--dir', a.dir, '--name', 'alice', '--role', 'admin']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /PARLEY_E_USAGE: refusing to add a user without a password: pass --password-stdin/);
  });

  it('refuses unknown roles and short passwords, naming the option', async () => {
    const role = await cliWithInput(
      ['user', 'add', '--dir', a.dir, '--name', 'alice', '--role', 'admin,pilot', '--password-stdin'],
      `${secret}\n`,
    );
    assert.equal(role.code, 2);
    assert.match(role.stderr, /--role: must be one of operator, releaser, translator, analyst, admin/);
    const short = await cliWithInput(
      ['user', 'add', '--dir', a.dir, '--name', 'alice', '--role', 'admin', '--password-stdin'],
      'short\n',
    );
    assert.match(short.stderr, /--password: must be at least 12 characters/);
  });

  it('adds the first admin with the password from standard input', async () => {
    const r = await cliWithInput(
      ['user', 'add', '--dir', a.dir, '--name', 'alice', '--role', 'admin,analyst', '--password-stdin'],
      `${secret}\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^added user alice \(admin, analyst\)\n[0-9a-f-]{36}\n$/);
    const again = await cliWithInput(
      ['user', 'add', '--dir', a.dir, '--name', 'alice', '--role', 'admin', '--password-stdin'],
      `${secret}\n`,
    );
    assert.match(again.stderr, /PARLEY_E_USER_EXISTS: a user named alice already exists/);
  });

  it('serves /api/v1 and /api/docs on 127.0.0.1; alice signs in and sees her addition in the audit log', async () => {
    await a.node.start();
    consoleUrl = JSON.parse(readFileSync(join(a.dir, 'serve.json'), 'utf8')).console;
    assert.match(consoleUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${consoleUrl}/api/docs/json`)).status, 200);
    assert.equal((await fetch(`${consoleUrl}/api/v1/session`)).status, 401);
    const login = await fetch(`${consoleUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'alice', password: secret }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${consoleUrl}/api/v1/audit?action=users.create`, { headers: { cookie } });
    assert.equal(res.status, 200);
    const { entries } = (await res.json()) as {
      entries: Array<{ user: null; target: string; address: string; details: { via: string } }>;
    };
    assert.deepEqual(
      entries.map((e) => [e.user, e.target, e.address, e.details.via]),
      [[null, 'alice', 'cli', 'parley user add']],
    );
  });
});
