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
  /** Asked at each heartbeat: false ends the stream (the session ended, expired or its user was disabled). */
  stillValid?: () => Promise<boolean>;
}

/** One SSE frame. Event data is one JSON line, so it needs no escaping. */
export function frame(kind: string, data: unknown): string {
  return `event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A text/event-stream of the bus's live kinds, with `: heartbeat` comments
 * every heartbeatMs. The listeners go when the client leaves or the server closes.
 */
export function eventStream(app: FastifyInstance, options: StreamOptions): PassThrough {
  const stream = new PassThrough();
  const streams = open.get(app) ?? new Set();
  open.set(app, streams);
  streams.add(stream);
  const listeners = liveEventKinds.map((kind) => {
    const listener = (data: { channel?: string | null }) => {
      if (options.channel !== undefined && typeof data.channel === 'string' && data.channel !== options.channel) return;
      if (!stream.writableEnded) stream.write(frame(kind, data));
    };
    options.bus.on(kind as LiveEventKind, listener as never);
    return [kind, listener] as const;
  });
  const heartbeat = setInterval(async () => {
    if (stream.writableEnded) return;
    const valid = options.stillValid ? await options.stillValid().catch(() => false) : true;
    if (stream.writableEnded) return;
    if (valid) stream.write(': heartbeat\n\n');
    else stream.end(': session ended\n\n');
  }, options.heartbeatMs);
  heartbeat.unref();
  const cleanup = () => {
    clearInterval(heartbeat);
    for (const [kind, listener] of listeners) options.bus.off(kind, listener as never);
    streams.delete(stream);
  };
  stream.on('close', cleanup);
  stream.on('finish', cleanup);
  stream.on('error', cleanup);
  // The first bytes: the client sees the answer's headers at once, and a reconnect delay.
  stream.write('retry: 2000\n: connected\n\n');
  for (const e of options.initial ?? []) stream.write(frame(e.kind, e.data));
  return stream;
}
