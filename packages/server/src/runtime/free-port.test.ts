import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { it } from 'node:test';
import { freePort } from './free-port.js';

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
