import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, initParties, ok, type Party, tempRoot } from '../test-util/nodes.js';

describe('operating a node', () => {
  const { root, cleanup } = tempRoot();
  let a: Party;
  let b: Party;
  let consoleUrl = '';

  before(async () => {
    [a, b] = (await initParties(root, ['us-js', 'cn-jsd'], { PARLEY_LOG_LEVEL: 'info' })) as [Party, Party];
    await a.node.start();
    await b.node.start();
    consoleUrl = JSON.parse(readFileSync(join(a.dir, 'serve.json'), 'utf8')).console;
  });
  after(async () => {
    await a?.node.stop();
    await b?.node.stop();
    cleanup();
  });

  it('answers /healthz on the console port', async () => {
    const res = await fetch(`${consoleUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, party: 'us-js' });
  });

  it('exports Prometheus metrics: link state per peer and endpoint, lag, alarms, forks', async () => {
    const text = await eventually(
      async () => {
        const t = await (await fetch(`${consoleUrl}/metrics`)).text();
        return /parley_link_up\{peer="cn-jsd",endpoint="https:\/\/127\.0\.0\.1:\d+"\} 1/.test(t) ? t : undefined;
      },
      10_000,
      'link up in metrics',
    );
    assert.match(text, /# TYPE parley_link_rtt_seconds gauge/);
    assert.match(text, /parley_link_clock_offset_seconds\{peer="cn-jsd"/);
    assert.match(text, /parley_forks_total 0/);
  });

  it("refuses control calls without the data directory's token", async () => {
    const res = await fetch(`${consoleUrl}/control/v1/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { code: string }).code, 'PARLEY_E_UNAUTHENTICATED');
  });

  it('logs structured JSON and stops gracefully on SIGTERM', async () => {
    await ok(['status', '--dir', a.dir]);
    await a.node.stop('SIGTERM');
    const lines = a.node.log.trim().split('\n').filter(Boolean);
    assert.ok(lines.length > 0, 'some log lines');
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.ok(
      parsed.some((l) => l.msg === 'stopped'),
      'logged its stop',
    );
    assert.equal(existsSync(join(a.dir, 'serve.json')), false, 'serve.json removed');
    const status = await ok(['status', '--dir', a.dir]);
    assert.match(status, /not serving/);
  });
});
