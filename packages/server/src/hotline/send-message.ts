import { randomUUID } from 'node:crypto';
import { ParleyError } from '@parley/contract';
import type { SignedEntry } from '@parley/record';
import type { OwnEntry, ParleyNode } from '../node/node.js';
import { checkNodeAttachments } from './attachments.js';
import { type Compose, checkCompose, messageBody } from './compose.js';
import { claimDraft, type Draft, finishDraft, getDraft, insertDraft, unclaimDraft } from './drafts.js';
import { databaseOf } from './hotline-db.js';
import { type Person, requirePermission } from './person.js';
import { decideRelease, needsSecondPerson, type Release } from './release.js';

export interface Sent {
  kind: 'sent';
  id: string;
  seq: number;
  serial: number;
  time: string;
  release: Release;
}

export interface Drafted {
  kind: 'drafted';
  draft: Draft;
}

/**
 * A person submits a message. Under two-person release (the charter's
 * precedences) it becomes a draft for a different releaser, unless the
 * person, a releaser, releases it alone as an emergency; otherwise it is
 * sent at once. Refusals are PARLEY_E_FORBIDDEN (policy), PARLEY_E_SCHEMA or
 * PARLEY_E_USAGE (the message itself).
 */
export async function submitMessage(
  node: ParleyNode,
  channel: string,
  by: Person,
  compose: Compose,
  emergency = false,
  alongside?: SentAlongside,
): Promise<Sent | Drafted> {
  const { charter } = await node.channel(channel);
  await checkNodeAttachments(node, compose.attachments);
  checkCompose(charter, compose);
  if (compose.replyTo !== undefined) await requireMessage(node, channel, compose.replyTo);
  if (needsSecondPerson(charter, compose.precedence) && !emergency) {
    requirePermission(by, 'messages.draft', `draft a ${compose.precedence} message`);
    const draft = { id: randomUUID(), channel, drafter: by.user, createdAt: node.now(), body: compose };
    await insertDraft(databaseOf(node.store), draft);
    node.events.emit('draft', {
      id: draft.id,
      channel,
      state: 'pending',
      drafter: by.user,
      precedence: compose.precedence,
    });
    return { kind: 'drafted', draft: (await getDraft(databaseOf(node.store), draft.id))! };
  }
  const release = decideRelease({ charter, precedence: compose.precedence, drafter: by, releaser: by, emergency });
  return send(node, channel, compose, release, alongside);
}

/**
 * A second person releases a draft (or its drafter, alone, as an emergency).
 * One releaser wins a race; the others get PARLEY_E_DRAFT_STATE.
 */
export async function releaseDraft(
  node: ParleyNode,
  draftId: string,
  by: Person,
  drafterOf: (name: string) => Promise<Person>,
  emergency = false,
  alongside?: SentAlongside,
): Promise<Sent> {
  const db = databaseOf(node.store);
  const draft = await getDraft(db, draftId);
  if (!draft) throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'draft', id: draftId });
  if (draft.state !== 'pending') throw new ParleyError('PARLEY_E_DRAFT_STATE', { draft: draftId, state: draft.state });
  const { charter } = await node.channel(draft.channel);
  const release = decideRelease({
    charter,
    precedence: draft.body.precedence,
    drafter: await drafterOf(draft.drafter),
    releaser: by,
    emergency,
  });
  await checkNodeAttachments(node, draft.body.attachments);
  checkCompose(charter, draft.body);
  if (!(await claimDraft(db, draftId, by.user, node.now())))
    throw new ParleyError('PARLEY_E_DRAFT_STATE', {
      draft: draftId,
      state: (await getDraft(db, draftId))?.state ?? 'gone',
    });
  try {
    const sent = await send(node, draft.channel, draft.body, release, alongside);
    await finishDraft(db, draftId, sent.id, release.emergency);
    node.events.emit('draft', {
      id: draftId,
      channel: draft.channel,
      state: 'released',
      drafter: draft.drafter,
      precedence: draft.body.precedence,
      releasedBy: by.user,
      emergency: release.emergency,
      entry: sent.id,
    });
    return sent;
  } catch (error) {
    await unclaimDraft(db, draftId);
    throw error;
  }
}

/**
 * Rows written in the same transaction as a sent message (its audit row), so
 * that both are on disk when the sender is answered, in one commit shared
 * with the other submissions in flight (docs/decisions/0017).
 */
export type SentAlongside = (db: Parameters<NonNullable<OwnEntry['alongside']>>[0], sent: Sent) => Promise<void>;

async function send(
  node: ParleyNode,
  channel: string,
  compose: Compose,
  release: Release,
  alongside?: SentAlongside,
): Promise<Sent> {
  const sentOf = ({ id, entry }: { id: string; entry: SignedEntry }): Sent => {
    const { serial } = entry.body as { serial: number };
    return { kind: 'sent', id, seq: entry.header.seq, serial, time: entry.header.time, release };
  };
  const written = await node.append(channel, {
    type: 'message',
    body: messageBody(compose, release),
    refs: compose.replyTo ? [compose.replyTo] : [],
    assignSerial: true,
    ...(alongside ? { alongside: (db, w) => alongside(db, sentOf(w)) } : {}),
  });
  return sentOf(written);
}

/** The message `id` of the channel, or PARLEY_E_NOT_FOUND / PARLEY_E_USAGE (not a message). */
export async function requireMessage(node: ParleyNode, channel: string, id: string) {
  const row = await node.store.getEntryById(id);
  if (!row || row.channel !== channel) throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'entry', id });
  if (row.type !== 'message')
    throw new ParleyError('PARLEY_E_USAGE', { reason: `entry ${id} is a ${row.type}, not a message` });
  return row;
}
