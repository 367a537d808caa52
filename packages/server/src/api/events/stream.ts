import { PassThrough } from 'node:stream';
import { type LiveEventKind, liveEventKinds } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import type { NodeEventBus } from '../../node/events.js';

/** The open event streams of each Fastify instance, ended when it closes. */
const open = new WeakMap<FastifyInstance, Set<PassThrough>>();

/** Ends every event stream `app` serves (its preClose hook), so closing the server does not wait on them. */
export function endStreams(app: FastifyInstance): void {
  for (const stream of open.get(app) ?? []) {
    stream.end(': server closing\n\n');
  }
  open.delete(app);
}

export interface StreamOptions {
  bus: NodeEventBus;
  /** Only events of this channel (and those of no channel). */
  channel?: string;
  heartbeatMs: number;
  /** Events to send first, before anything new (the links' states now). */
  initial?: Array<{ kind: LiveEventKind; data: unknown }>;
  /** Asked every checkMs: false ends the stream (the session ended, expired or its user was disabled). */
  stillValid?: () => Promise<boolean>;
  /**
   * How often to ask stillValid (default: the smaller of heartbeatMs and
   * 5 s), apart from the heartbeat the client chose, so that a long
   * heartbeat does not keep a signed-out session's stream open.
   */
  checkMs?: number;
  /**
   * Bytes the stream may hold for a client that does not read them (default
   * 1 MiB). Past that the stream is dropped, its listeners removed: a slow or
   * stalled console must not make the node's memory grow. The client
   * reconnects (`retry:`) and reads the state afresh.
   */
  maxBufferedBytes?: number;
}

/** The default of StreamOptions.maxBufferedBytes. */
export const defaultMaxBufferedBytes = 1024 * 1024;

/** One SSE frame. Event data is one JSON line, so it needs no escaping. */
export function frame(kind: string, data: unknown): string {
  return `event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A text/event-stream of the bus's live kinds, with `: heartbeat` comments
 * every heartbeatMs. The listeners go when the client leaves, the server
 * closes, the session no longer stands, or the client stops reading.
 */
export function eventStream(app: FastifyInstance, options: StreamOptions): PassThrough {
  const stream = new PassThrough();
  const streams = open.get(app) ?? new Set();
  open.set(app, streams);
  streams.add(stream);
  const max = options.maxBufferedBytes ?? defaultMaxBufferedBytes;
  /** Writes unless the stream ended; drops it (and its listeners) when the client is not reading. */
  const send = (text: string) => {
    if (stream.writableEnded || stream.destroyed) return;
    if (stream.writableLength + stream.readableLength + Buffer.byteLength(text) > max) {
      cleanup();
      stream.destroy();
      return;
    }
    stream.write(text);
  };
  const listeners = liveEventKinds.map((kind) => {
    const listener = (data: { channel?: string | null }) => {
      if (options.channel !== undefined && typeof data.channel === 'string' && data.channel !== options.channel) return;
      send(frame(kind, data));
    };
    options.bus.on(kind as LiveEventKind, listener as never);
    return [kind, listener] as const;
  });
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs);
  heartbeat.unref();
  let checking = false;
  const check = setInterval(async () => {
    const { stillValid } = options;
    if (!stillValid || checking || stream.writableEnded || stream.destroyed) return;
    checking = true;
    const valid = await stillValid().catch(() => false);
    checking = false;
    if (!valid && !stream.writableEnded && !stream.destroyed) stream.end(': session ended\n\n');
  }, options.checkMs ?? Math.min(options.heartbeatMs, 5000));
  check.unref();
  function cleanup() {
    clearInterval(heartbeat);
    clearInterval(check);
    for (const [kind, listener] of listeners) options.bus.off(kind, listener as never);
    streams.delete(stream);
  }
  stream.on('close', cleanup);
  stream.on('finish', cleanup);
  stream.on('error', cleanup);
  // The first bytes: the client sees the answer's headers at once, and a reconnect delay.
  stream.write('retry: 2000\n: connected\n\n');
  for (const e of options.initial ?? []) send(frame(e.kind, e.data));
  return stream;
}
