/**
 * Writing an engagement entry: the person's permission, the contract's
 * schema, then the rules as the record stands, and only then the signature.
 * The one path for the CLI (`parley act`), the control API and the console.
 */
import { type EntryType, ParleyError, type Permission, parseBody } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import { type Person, requirePermission } from '../hotline/person.js';
import { actOperatorCheck, operatorCheckTypes } from '../link-checks/operator-checks.js';
import type { ParleyNode } from '../node/node.js';
import { checkCandidate, type EngagementState, foldEngagement } from './fold.js';
import { charterHash, findMechanism } from './mechanisms.js';
import { engagementTypes, loadRecord, type RecordEntry } from './record-view.js';
import { ruleError } from './rule-error.js';

/** Which permission writes which entry type. */
export function permissionFor(type: string): Permission {
  if (type === 'charter-amend' || type === 'charter-accept') return 'charter.write';
  if (type.startsWith('mechanism-')) return 'mechanisms.write';
  if (type.startsWith('commitment-')) return 'commitments.write';
  if (type.startsWith('incident-')) return 'incidents.write';
  if (type.startsWith('notification')) return 'notifications.write';
  return 'engagements.write';
}

export interface Acted {
  id: string;
  seq: number;
  time: string;
  type: string;
  /** The mechanism was suspended by a party when this request was made (allowed, and recorded as such). */
  onSuspendedMechanism?: true;
}

/** Entry ids a body names: what the entry is about, in its header's `refs`. */
export function refsOf(type: string, body: Record<string, unknown>): string[] {
  const fields = [
    'request',
    'meeting',
    'commitment',
    'incident',
    'notification',
    'amendment',
    'parent',
    'sourceMeeting',
    'discussedAt',
  ];
  const out: string[] = [];
  for (const f of fields)
    if (typeof body[f] === 'string' && !(type === 'notification' && f !== 'notification')) out.push(body[f] as string);
  if (Array.isArray(body.evidence)) out.push(...(body.evidence as string[]));
  return [...new Set(out)];
}

// One act at a time per channel on this node, so two checks never pass against the same state.
const queues = new WeakMap<ParleyNode, Map<string, Promise<unknown>>>();

function serially<T>(node: ParleyNode, channel: string, task: () => Promise<T>): Promise<T> {
  const map = queues.get(node) ?? new Map<string, Promise<unknown>>();
  queues.set(node, map);
  const run = (map.get(channel) ?? Promise.resolve()).then(task, task);
  map.set(
    channel,
    run.catch(() => undefined),
  );
  return run;
}

// The fold of one loaded record (loadRecord returns the same array while the feeds' heads stay put).
const folds = new WeakMap<readonly RecordEntry[], EngagementState>();

/**
 * The channel's record folded through the rules, from its genesis charter.
 * Folded again only when the channel has new entries (see loadRecord); the
 * state is shared between callers, who read it and never change it.
 */
export async function engagementState(node: ParleyNode, channel: string): Promise<EngagementState> {
  const { charter } = await node.channel(channel);
  const record = await loadRecord(node.store, channel);
  let state = folds.get(record);
  if (!state) {
    state = foldEngagement(charter, record);
    folds.set(record, state);
  }
  return state;
}

/**
 * Writes one engagement entry as `by`. Throws PARLEY_E_FORBIDDEN,
 * PARLEY_E_SCHEMA (the body), PARLEY_E_RULE (the record does not allow it
 * now), before anything is signed.
 */
export async function act(node: ParleyNode, channel: string, type: string, input: unknown, by: Person): Promise<Acted> {
  // A person's operator link check or answer (link-checks/): its own permissions and rules.
  if (operatorCheckTypes.has(type)) return actOperatorCheck(node, channel, type, input, by);
  if (!engagementTypes.has(type))
    throw new ParleyError('PARLEY_E_USAGE', {
      reason: `act writes engagement entries (${[...engagementTypes].join(', ')}), not ${type}`,
    });
  requirePermission(by, permissionFor(type), `write ${type}`);
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ParleyError('PARLEY_E_SCHEMA', { type, path: '', reason: 'a body is a JSON object' });
  await node.channel(channel);
  return serially(node, channel, async () => {
    const state = await engagementState(node, channel);
    const body = parseBody(
      type as EntryType,
      withDefaults(state, type, input as Record<string, unknown>, by, node.now()),
    );
    await requireEvidence(node, channel, type, body as Record<string, unknown>);
    const refs = refsOf(type, body as Record<string, unknown>);
    const reason = checkCandidate(state, { id: '', author: node.party, seq: 0, type, time: node.now(), refs, body });
    if (reason !== null) throw ruleError(type, reason);
    const { id, entry } = await node.append(channel, { type, body: body as JsonValue, refs });
    const suspended =
      type === 'request' && state.requests.mechanisms.suspendedBy.get((body as { mechanism: string }).mechanism)?.size;
    return {
      id,
      seq: entry.header.seq,
      time: entry.header.time,
      type,
      ...(suspended ? { onSuspendedMechanism: true as const } : {}),
    };
  });
}

/**
 * What a writer may leave out: a request's deadline (the mechanism's or the
 * charter's answer time from now), an acceptance's charter hash, an
 * acknowledgement's person (the actor).
 */
function withDefaults(s: EngagementState, type: string, body: Record<string, unknown>, by: Person, now: string) {
  const out = { ...body };
  const charter = s.requests.mechanisms.charter;
  if (type === 'request' && out.deadline === undefined && typeof out.mechanism === 'string') {
    const hours =
      findMechanism(s.requests.mechanisms, out.mechanism)?.answerDeadlineHours ?? charter.answerDeadlineHours;
    const byHours = new Date(Date.parse(now) + hours * 3_600_000).toISOString();
    // Never after the last proposed slot (the schema's rule): a request for tomorrow is answered by tomorrow.
    const starts = Array.isArray(out.slots)
      ? out.slots.map((x) => (x as { start?: unknown }).start).filter((x) => typeof x === 'string')
      : [];
    const latest = (starts as string[]).sort().at(-1);
    out.deadline = latest !== undefined && latest < byHours ? latest : byHours;
  }
  if (type === 'charter-accept' && out.charterHash === undefined && typeof out.amendment === 'string') {
    const a = s.requests.mechanisms.amendments.get(out.amendment);
    if (a) out.charterHash = charterHash(a.charter);
  }
  if (type === 'notification-ack' && out.by === undefined) out.by = by.user;
  return out;
}

/** Evidence named by a commitment status must be entries this node holds in the channel. */
async function requireEvidence(node: ParleyNode, channel: string, type: string, body: Record<string, unknown>) {
  if (type !== 'commitment-status') return;
  for (const id of body.evidence as string[]) {
    const row = await node.store.getEntryById(id);
    if (!row || row.channel !== channel)
      throw ruleError(type, `evidence ${id} is not an entry of this channel held here`);
  }
}
