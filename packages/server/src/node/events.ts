import { EventEmitter } from 'node:events';

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
}

export interface NodeEvents {
  appended: [AppendedEvent];
  alarm: [{ kind: string; message: string; channel: string | null }];
  channel: [{ id: string; state: 'proposed' | 'active' }];
}

export class NodeEventBus extends EventEmitter<NodeEvents> {}
