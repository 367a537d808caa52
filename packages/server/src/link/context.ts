import type { Logger } from 'pino';
import type { SelfCard } from '../node/channels.js';
import type { ParleyNode } from '../node/node.js';

/** What link routes need. */
export interface LinkContext {
  node: ParleyNode;
  self: SelfCard;
  log: Logger;
  /** Called when a peer shows any sign of life (resets backoff, wakes the push queue). */
  onContact?: (peer: string) => void;
  /** Called when a charter offer changed a channel (to forward signatures). */
  onOffer?: (channel: string) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The pinned peer this request comes from, identified by its TLS certificate. */
    peer: string;
  }
}
