import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { NodeEventBus } from '../../node/events.js';
import { eventStream } from './stream.js';

const app = {} as FastifyInstance;
const entry = (seq: number) => ({
  channel: 'c1',
  author: 'us',
  seq,
  id: `id-${seq}-${'x'.repeat(200)}`,
  type: 'message',
  own: true,
  time: '2026-11-26T10:00:00.000Z',
});

it('drops a stream whose client does not read, and removes its listeners (memory stays bounded)', () => {
  const bus = new NodeEventBus();
  const stream = eventStream(app, { bus, heartbeatMs: 60_000, maxBufferedBytes: 64 * 1024 });
  assert.equal(bus.listenerCount('entry'), 1);
  // Nobody reads: 2 000 events of ~300 bytes (~600 kB) would all stay buffered without a limit.
  for (let seq = 1; seq <= 2000; seq++) bus.emit('entry', entry(seq));
  assert.ok(
    stream.writableLength + stream.readableLength <= 64 * 1024,
    `buffered ${stream.writableLength + stream.readableLength} bytes`,
  );
  assert.equal(stream.destroyed, true, 'the stalled stream is dropped');
  for (const kind of ['entry', 'receipt', 'ack', 'alarm', 'link', 'draft'] as const)
    assert.equal(bus.listenerCount(kind), 0, `${kind} listener removed`);
});

it('keeps a stream whose client reads, however many events pass', async () => {
  const bus = new NodeEventBus();
  const stream = eventStream(app, { bus, heartbeatMs: 60_000, maxBufferedBytes: 64 * 1024 });
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  for (let seq = 1; seq <= 2000; seq++) {
    bus.emit('entry', entry(seq));
    if (seq % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stream.destroyed, false);
  assert.ok(bytes > 2000 * 300, `read ${bytes} bytes`);
  stream.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(bus.listenerCount('entry'), 0, 'listeners go when the client leaves');
});
