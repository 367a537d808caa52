import { ParleyError, type unreadReasons } from '@parley/contract';
import type { ParleyNode } from '../node/node.js';
import { databaseOf } from './hotline-db.js';
import { answerRows } from './message-queries.js';
import { type Person, requirePermission } from './person.js';
import { requireMessage } from './send-message.js';

export interface Answered {
  id: string;
  seq: number;
  time: string;
  /** This party had already answered so: nothing new was written, this is the earlier answer. */
  already: boolean;
}

/**
 * A person at this party has read a message of another party: writes a
 * message-ack referring to it. Answering twice writes nothing new.
 */
export async function acknowledge(node: ParleyNode, channel: string, messageId: string, by: Person): Promise<Answered> {
  requirePermission(by, 'messages.ack', 'acknowledge messages');
  return answer(node, channel, messageId, 'ack', { type: 'message-ack', body: { message: messageId, by: by.user } });
}

/** Non-receipt: the message reached this party but is discarded or cannot be acted on (message-unread). */
export async function reportUnread(
  node: ParleyNode,
  channel: string,
  messageId: string,
  by: Person,
  reason: (typeof unreadReasons)[number],
  note: string,
): Promise<Answered> {
  requirePermission(by, 'messages.ack', 'answer messages');
  return answer(node, channel, messageId, 'unread', {
    type: 'message-unread',
    body: { message: messageId, reason, note },
  });
}

async function answer(
  node: ParleyNode,
  channel: string,
  messageId: string,
  kind: 'ack' | 'unread',
  own: { type: string; body: { message: string } & Record<string, string> },
): Promise<Answered> {
  const message = await requireMessage(node, channel, messageId);
  if (message.author === node.party)
    throw new ParleyError('PARLEY_E_USAGE', {
      reason: `${messageId} is this party's own message: its receivers answer it`,
    });
  const [earlier] = (await answerRows(databaseOf(node.store), channel, [messageId])).filter(
    (a) => a.party === node.party && a.kind === kind,
  );
  if (earlier) return { id: earlier.entry_id, seq: earlier.seq, time: earlier.time, already: true };
  const { id, entry } = await node.append(channel, { ...own, refs: [messageId] });
  return { id, seq: entry.header.seq, time: entry.header.time, already: false };
}
