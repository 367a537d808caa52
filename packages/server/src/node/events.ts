import { EventEmitter } from 'node:events';
import type { StoredEntryRow } from '../store/store.js';

/** Something new in the record: the link pushes it, consoles show it. */
export interface AppendedEvent {
  channel: string;
  author: string;
  fromSeq: number;
  toSeq: number;
  types: string[];
  /** Highest precedence among the appended messages, if any. */
  precedence?: string;
  own: boolean;
  /** Some entry names attachments (`body.attachments`): the blob fetcher looks for what it lacks. */
  attachments?: boolean;
  /**
   * An own receipt written to answer a peer's push: that peer gets it in the
   * push answer, so its link need not push it again (see PeerLink.handedOver).
   */
  answering?: string;
  /**
   * The entries fromSeq…toSeq as stored, when the writer has them (it just
   * wrote them): listeners that need the rows (the consoles' relay, the link's
   * push) take them from here rather than reading them back (decision 0023).
   */
  rows?: readonly StoredEntryRow[];
}

/** One entry newly held (written here or taken from a peer), for consoles. */
export interface EntryEvent {
  channel: string;
  author: string;
  seq: number;
  id: string;
  type: string;
  /** A message's precedence. */
  precedence?: string;
  /** Written by this node. */
  own: boolean;
  time: string;
}

/** A receipt: `author`'s node stored the other feeds up to `heads`. */
export interface ReceiptEvent {
  channel: string;
  author: string;
  seq: number;
  id: string;
  own: boolean;
  time: string;
  heads: Record<string, number>;
}

/** A person's answer to a message: read (`message-ack`) or not read with a reason (`message-unread`). */
export interface AckEvent {
  channel: string;
  /** The answered message. */
  message: string;
  /** The answering party. */
  party: string;
  kind: 'ack' | 'unread';
  /** The person, for an ack. */
  by?: string;
  /** Why not read, for an unread. */
  reason?: string;
  id: string;
  seq: number;
  own: boolean;
  time: string;
}

export interface AlarmEvent {
  kind: string;
  message: string;
  channel: string | null;
}

/** The link to a peer changed state (UP, DEGRADED, DOWN). */
export interface LinkEvent {
  peer: string;
  state: string;
  rttMs?: number;
}

/** A draft under two-person release was made or released (local only, never sent). */
export interface DraftEvent {
  id: string;
  channel: string;
  state: 'pending' | 'released';
  drafter: string;
  precedence: string;
  releasedBy?: string;
  emergency?: boolean;
  /** The message entry, once released. */
  entry?: string;
}

/**
 * The node's event bus. `appended` is what the node itself emits; `entry`,
 * `receipt` and `ack` are derived from it per entry (api/events/relay.ts);
 * `alarm`, `link`, `draft` and `channel` come from whoever notices. The
 * console's live stream (GET /api/v1/events) forwards every kind but
 * `appended` and `channel`.
 */
export interface NodeEvents {
  appended: [AppendedEvent];
  entry: [EntryEvent];
  receipt: [ReceiptEvent];
  ack: [AckEvent];
  alarm: [AlarmEvent];
  link: [LinkEvent];
  draft: [DraftEvent];
  channel: [{ id: string; state: 'proposed' | 'active' }];
}

export class NodeEventBus extends EventEmitter<NodeEvents> {}
