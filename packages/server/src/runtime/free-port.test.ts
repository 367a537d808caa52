import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { freePort, reservePort } from './free-port.js';

it('hands out distinct bindable ports below the ephemeral range', async () => {
  const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
  assert.equal(new Set(ports).size, ports.length, 'never the same port twice');
  for (const port of ports) {
    assert.ok(port >= 20_000 && port < 32_768, `${port} is below Linux's ephemeral range`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((r) => server.close(r));
  }
});

const registryFile = (port: number) => join(tmpdir(), 'parley-ports', String(port));

it('reserves each port it hands out for this process: another process is refused it meanwhile', async () => {
  const port = await freePort();
  assert.equal(readFileSync(registryFile(port), 'utf8'), String(process.pid));
  const module = new URL('./free-port.js', import.meta.url).href;
  const other = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { reservePort } from ${JSON.stringify(module)}; process.stdout.write(String(reservePort(${port})))`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(other.stdout, 'false', other.stderr);
  // Its own reservations are removed when it exits.
  const own = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { freePort } from ${JSON.stringify(module)}; process.stdout.write(String(await freePort()))`,
    ],
    { encoding: 'utf8' },
  );
  assert.ok(Number(own.stdout) > 0, own.stderr);
  assert.equal(existsSync(registryFile(Number(own.stdout))), false, 'released at exit');
});

it('takes over a reservation whose process is gone', () => {
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout;
  let port = 32_767;
  while (existsSync(registryFile(port))) port--;
  mkdirSync(join(tmpdir(), 'parley-ports'), { recursive: true });
  writeFileSync(registryFile(port), gone);
  assert.equal(reservePort(port), true);
  assert.equal(readFileSync(registryFile(port), 'utf8'), String(process.pid));
});
