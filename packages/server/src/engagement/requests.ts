/**
 * The state machine of requests and meetings, and the fold of a channel's
 * record into their states. Pure: no I/O, no clock (`now` is given).
 *
 * A request is answered (`request-accept`, `request-decline`,
 * `request-counter`) by a member other than its requester. A counter turns
 * the answer round: the requester then accepts one of the counter's slots,
 * declines, or counters again. Only the requester withdraws. "Unanswered" is
 * never written: it is derived when the deadline passes with no answer in a
 * responder's feed.
 *
 * Meetings: any member records one (scheduled or held); the other members
 * confirm it once it has started; before it starts either side may postpone
 * or cancel it. A meeting on a request needs the request accepted.
 */
import type { Charter, Person, Slot } from '@parley/contract';
import {
  applyMechanismEntry,
  checkMechanismEntry,
  findMechanism,
  isSuspended,
  type MechanismsState,
  newMechanisms,
} from './mechanisms.js';
import { causalOrder, type RecordEntry } from './record-view.js';
import { short, type Violation } from './rule-error.js';

export const requestStates = ['open', 'countered', 'accepted', 'declined', 'withdrawn', 'unanswered'] as const;
export type RequestStateName = (typeof requestStates)[number];

export const answerTypes = ['request-accept', 'request-decline', 'request-counter'] as const;
export const requestTypes = ['request', ...answerTypes, 'request-withdraw'] as const;
export const meetingTypes = ['meeting', 'meeting-confirm', 'meeting-postpone', 'meeting-cancel'] as const;

/** One proposal of slots: the request's own, or a counter's. */
export interface Proposal {
  entry: string;
  by: string;
  time: string;
  slots: Slot[];
}

/** One step of a request's life, valid or flagged. */
export interface Step {
  entry: string;
  type: string;
  author: string;
  time: string;
  /** Why the rules refuse it (a peer's node wrote it anyway): it changed nothing. */
  invalid?: string;
}

export interface RequestView {
  id: string;
  channel?: string;
  requester: string;
  /** The members who may answer it: every member but the requester. */
  responders: string[];
  mechanism: string;
  /** The mechanism's level in the charter in force when the request was made, if the charter names it. */
  level?: number;
  kind: string;
  subject: string;
  time: string;
  deadline: string;
  state: RequestStateName;
  /** Who may answer next (empty once closed). */
  turn: string[];
  proposals: Proposal[];
  accepted?: { entry: string; by: string; time: string; slot: Slot };
  /** The first answer in a responder's feed. */
  firstAnswer?: { entry: string; type: string; by: string; time: string };
  /** Milliseconds from the request to its first answer. */
  answerMs?: number;
  /** The deadline passed with no answer from a responder (even if one came later, or it was withdrawn after). */
  unansweredAtDeadline: boolean;
  /** The first answer came after the deadline. */
  late: boolean;
  /** Made while a party had the mechanism suspended (allowed; recorded as such). */
  onSuspendedMechanism: boolean;
  /** The charter in force named no such mechanism (a peer's request; flagged). */
  invalid?: string;
  steps: Step[];
  meetings: string[];
}

export const meetingStates = ['scheduled', 'held', 'confirmed', 'postponed', 'cancelled'] as const;
export type MeetingStateName = (typeof meetingStates)[number];

export interface MeetingView {
  id: string;
  author: string;
  time: string;
  request?: string;
  mechanism: string;
  level?: number;
  kind: string;
  start: string;
  durationMinutes: number;
  medium: string;
  location?: string;
  participants: Person[];
  state: MeetingStateName;
  confirmedBy: string[];
  postponed?: { entry: string; by: string; time: string; reason: string; newSlots?: Slot[] };
  cancelled?: { entry: string; by: string; time: string; reason: string };
  invalid?: string;
  steps: Step[];
}

interface RequestRec extends Omit<RequestView, 'state' | 'turn' | 'unansweredAtDeadline' | 'late'> {
  closed?: 'accepted' | 'declined' | 'withdrawn';
}

interface MeetingRec extends Omit<MeetingView, 'state'> {}

/** Everything the request and meeting rules need, folded so far. */
export interface RequestsState {
  mechanisms: MechanismsState;
  requests: Map<string, RequestRec>;
  meetings: Map<string, MeetingRec>;
  /** Every proposal's entry (a request or a counter) → its request's id: answers name either. */
  proposals: Map<string, string>;
  violations: Violation[];
}

export function newRequestsState(mechanisms: MechanismsState): RequestsState {
  return { mechanisms, requests: new Map(), meetings: new Map(), proposals: new Map(), violations: [] };
}

const body = (e: RecordEntry) => (e.body ?? {}) as Record<string, unknown>;
const target = (e: RecordEntry, field: string) => (body(e)[field] as string | undefined) ?? e.refs[0] ?? '';

/** Who answers the newest proposal: the requester after a counter, else every other member. */
function answerers(r: RequestRec): string[] {
  const last = r.proposals[r.proposals.length - 1]!;
  return last.by === r.requester ? r.responders : [r.requester];
}

/**
 * Why `e` may not be written now, or null when the request and meeting
 * rules allow it. Only looks at request and meeting types.
 */
export function checkRequestEntry(s: RequestsState, e: RecordEntry): string | null {
  const b = body(e);
  switch (e.type) {
    case 'request': {
      const m = findMechanism(s.mechanisms, b.mechanism as string);
      if (!m) return `the charter names no mechanism ${String(b.mechanism)}`;
      if (!m.kinds.includes(b.kind as never))
        return `mechanism ${m.id} is for ${m.kinds.join(', ')}, not ${String(b.kind)}`;
      if ((b.deadline as string) <= e.time)
        return `the deadline ${String(b.deadline)} is not after the request's time ${e.time}`;
      return null;
    }
    case 'request-accept':
    case 'request-decline':
    case 'request-counter':
      return checkAnswer(s, e);
    case 'request-withdraw': {
      const r = s.requests.get(target(e, 'request'));
      if (!r) return `${short(target(e, 'request'))} is not a request in this channel`;
      if (r.requester !== e.author) return `only the requester ${r.requester} withdraws request ${short(r.id)}`;
      if (r.closed) return `request ${short(r.id)} is ${r.closed}: it can no longer be withdrawn`;
      return null;
    }
    case 'meeting':
      return checkMeeting(s, e);
    case 'meeting-confirm':
    case 'meeting-postpone':
    case 'meeting-cancel':
      return checkMeetingStep(s, e);
    default:
      return null;
  }
}

function resolveRequest(s: RequestsState, id: string): { r?: RequestRec; viaCounter?: Proposal } {
  const direct = s.requests.get(id);
  if (direct) return { r: direct };
  // An index, not a search: a peer naming unknown ids in many answers must not make the fold quadratic.
  const r = s.requests.get(s.proposals.get(id) ?? '');
  const p = r?.proposals.find((x) => x.entry === id);
  return r && p ? { r, viaCounter: p } : {};
}

function checkAnswer(s: RequestsState, e: RecordEntry): string | null {
  const id = target(e, 'request');
  const { r, viaCounter } = resolveRequest(s, id);
  if (!r) return `${short(id)} is not a request in this channel`;
  if (r.closed) return `request ${short(r.id)} is ${r.closed}: it takes no further answer`;
  // A flagged request (a peer's, on a mechanism the charter does not name) may be declined, never taken up.
  if (r.invalid !== undefined && e.type !== 'request-decline')
    return `request ${short(r.id)} is flagged (${r.invalid}): it can only be declined`;
  if (e.author === r.requester && r.proposals.length === 1)
    return `${e.author} made request ${short(r.id)}: only another member answers it`;
  const turn = answerers(r);
  if (!turn.includes(e.author)) return `it is ${turn.join(' or ')}'s turn to answer request ${short(r.id)}`;
  const last = r.proposals[r.proposals.length - 1]!;
  if (viaCounter && viaCounter !== last) return `${short(id)} is not the newest proposal of request ${short(r.id)}`;
  if (e.type === 'request-accept') {
    const slot = body(e).slot as number;
    if (!(slot >= 0 && slot < last.slots.length))
      return `slot ${slot} is not among the ${last.slots.length} slot(s) proposed in ${short(last.entry)}`;
  }
  return null;
}

function checkMeeting(s: RequestsState, e: RecordEntry): string | null {
  const b = body(e);
  const m = findMechanism(s.mechanisms, b.mechanism as string);
  if (!m) return `the charter names no mechanism ${String(b.mechanism)}`;
  if (b.request === undefined) return null;
  const r = s.requests.get(b.request as string);
  if (!r) return `${short(b.request as string)} is not a request in this channel`;
  if (r.closed !== 'accepted') return `request ${short(r.id)} is not accepted: a meeting on it needs an accepted slot`;
  if (r.mechanism !== b.mechanism)
    return `request ${short(r.id)} is on mechanism ${r.mechanism}, not ${String(b.mechanism)}`;
  return null;
}

function checkMeetingStep(s: RequestsState, e: RecordEntry): string | null {
  const id = target(e, 'meeting');
  const m = s.meetings.get(id);
  if (!m) return `${short(id)} is not a meeting in this channel`;
  if (m.cancelled) return `meeting ${short(m.id)} is cancelled`;
  const started = m.start <= e.time;
  if (e.type === 'meeting-confirm') {
    if (m.author === e.author) return `${e.author} recorded meeting ${short(m.id)}: another member confirms it`;
    if (m.confirmedBy.includes(e.author)) return `${e.author} already confirmed meeting ${short(m.id)}`;
    if (m.invalid !== undefined) return `meeting ${short(m.id)} is flagged (${m.invalid}): it cannot be confirmed`;
    if (m.postponed) return `meeting ${short(m.id)} is postponed: record the new meeting and confirm that`;
    if (!started) return `meeting ${short(m.id)} starts at ${m.start}: it is confirmed once it has started`;
    return null;
  }
  if (started)
    return `meeting ${short(m.id)} started at ${m.start}: it can no longer be ${e.type === 'meeting-cancel' ? 'cancelled' : 'postponed'}`;
  if (e.type === 'meeting-postpone' && m.postponed) return `meeting ${short(m.id)} is already postponed`;
  return null;
}

/** Applies an entry that checkRequestEntry allowed. */
export function applyRequestEntry(s: RequestsState, e: RecordEntry): void {
  const b = body(e);
  const step: Step = { entry: e.id, type: e.type, author: e.author, time: e.time };
  switch (e.type) {
    case 'request': {
      const mechanism = b.mechanism as string;
      const m = findMechanism(s.mechanisms, mechanism);
      s.requests.set(e.id, {
        id: e.id,
        requester: e.author,
        responders: s.mechanisms.members.filter((p) => p !== e.author),
        mechanism,
        ...(m ? { level: m.level } : {}),
        kind: b.kind as string,
        subject: b.subject as string,
        time: e.time,
        deadline: b.deadline as string,
        proposals: [{ entry: e.id, by: e.author, time: e.time, slots: b.slots as Slot[] }],
        onSuspendedMechanism: isSuspended(s.mechanisms, mechanism),
        steps: [step],
        meetings: [],
      });
      s.proposals.set(e.id, e.id);
      return;
    }
    case 'request-accept':
    case 'request-decline':
    case 'request-counter':
    case 'request-withdraw': {
      const { r } = resolveRequest(s, target(e, 'request'));
      if (!r) return;
      r.steps.push(step);
      if (e.type !== 'request-withdraw' && !r.firstAnswer && e.author !== r.requester) {
        r.firstAnswer = { entry: e.id, type: e.type, by: e.author, time: e.time };
        r.answerMs = Date.parse(e.time) - Date.parse(r.time);
      }
      const last = r.proposals[r.proposals.length - 1]!;
      if (e.type === 'request-accept')
        r.accepted = { entry: e.id, by: e.author, time: e.time, slot: last.slots[b.slot as number]! };
      if (e.type === 'request-counter') {
        r.proposals.push({ entry: e.id, by: e.author, time: e.time, slots: b.slots as Slot[] });
        s.proposals.set(e.id, r.id);
      } else
        r.closed = e.type === 'request-accept' ? 'accepted' : e.type === 'request-decline' ? 'declined' : 'withdrawn';
      return;
    }
    case 'meeting': {
      const m = findMechanism(s.mechanisms, b.mechanism as string);
      s.meetings.set(e.id, {
        id: e.id,
        author: e.author,
        time: e.time,
        ...(b.request !== undefined ? { request: b.request as string } : {}),
        mechanism: b.mechanism as string,
        ...(m ? { level: m.level } : {}),
        kind: b.kind as string,
        start: b.start as string,
        durationMinutes: b.durationMinutes as number,
        medium: b.medium as string,
        ...(b.location !== undefined ? { location: b.location as string } : {}),
        participants: b.participants as Person[],
        confirmedBy: [],
        steps: [step],
      });
      if (b.request !== undefined) s.requests.get(b.request as string)?.meetings.push(e.id);
      return;
    }
    case 'meeting-confirm':
    case 'meeting-postpone':
    case 'meeting-cancel': {
      const m = s.meetings.get(target(e, 'meeting'));
      if (!m) return;
      m.steps.push(step);
      if (e.type === 'meeting-confirm') m.confirmedBy.push(e.author);
      else if (e.type === 'meeting-cancel')
        m.cancelled = { entry: e.id, by: e.author, time: e.time, reason: b.reason as string };
      else
        m.postponed = {
          entry: e.id,
          by: e.author,
          time: e.time,
          reason: b.reason as string,
          ...(b.newSlots !== undefined ? { newSlots: b.newSlots as Slot[] } : {}),
        };
      return;
    }
  }
}

/**
 * Keeps a flagged entry in the history of what it names (never lost), without
 * changing any state. A peer's request on a mechanism the charter does not
 * name is still a request: it is kept, marked invalid.
 */
export function flagRequestEntry(s: RequestsState, e: RecordEntry, reason: string): void {
  const step: Step = { entry: e.id, type: e.type, author: e.author, time: e.time, invalid: reason };
  if (e.type === 'request') {
    applyRequestEntry(s, e);
    const r = s.requests.get(e.id)!;
    r.invalid = reason;
    r.steps[0] = step;
  } else if (e.type === 'meeting') {
    applyRequestEntry(s, e);
    const m = s.meetings.get(e.id)!;
    m.invalid = reason;
    m.steps[0] = step;
  } else if ((requestTypes as readonly string[]).includes(e.type)) {
    resolveRequest(s, target(e, 'request')).r?.steps.push(step);
  } else if ((meetingTypes as readonly string[]).includes(e.type)) {
    s.meetings.get(target(e, 'meeting'))?.steps.push(step);
  }
}

/** A request as of `now`: its state, whose turn it is, and whether its deadline passed unanswered. */
export function requestView(r: RequestRec, now: string): RequestView {
  const answeredBy = r.firstAnswer && r.firstAnswer.time <= r.deadline;
  const withdrawnBefore =
    r.closed === 'withdrawn' &&
    r.steps.some((s) => s.type === 'request-withdraw' && !s.invalid && s.time <= r.deadline);
  const unansweredAtDeadline = now >= r.deadline && !answeredBy && !withdrawnBefore && !r.invalid;
  const late = r.firstAnswer !== undefined && r.firstAnswer.time > r.deadline;
  let state: RequestStateName;
  if (r.closed) state = r.closed;
  else if (r.proposals.length > 1) state = 'countered';
  else state = unansweredAtDeadline ? 'unanswered' : 'open';
  const { closed: _closed, ...rest } = r;
  return { ...rest, state, turn: r.closed || r.invalid ? [] : answerers(r), unansweredAtDeadline, late };
}

/** A meeting as of `now`. */
export function meetingView(m: MeetingRec, members: string[], now: string): MeetingView {
  let state: MeetingStateName;
  if (m.cancelled) state = 'cancelled';
  else if (m.postponed) state = 'postponed';
  else if (members.every((p) => p === m.author || m.confirmedBy.includes(p))) state = 'confirmed';
  else state = m.start <= now ? 'held' : 'scheduled';
  return { ...m, state };
}

/** Checks `e` against every rule in this module and mechanisms.ts; applies it or flags it. Returns the reason if flagged. */
export function stepRequests(s: RequestsState, e: RecordEntry): string | null {
  const reason = checkMechanismEntry(s.mechanisms, e) ?? checkRequestEntry(s, e);
  if (reason !== null) {
    s.violations.push({ entry: e.id, author: e.author, type: e.type, time: e.time, reason });
    flagRequestEntry(s, e, reason);
    return reason;
  }
  applyMechanismEntry(s.mechanisms, e);
  applyRequestEntry(s, e);
  return null;
}

export interface RequestFold {
  requests: RequestView[];
  meetings: MeetingView[];
  /** Entries the rules refuse (written by a peer's node): stored, shown, and changed nothing. */
  violations: Violation[];
}

/**
 * Folds a channel's entries (any types, any order: they are put in causal
 * order) into its requests and meetings as of `now`. This is the shape that
 * metrics and evidence of silence read; keep it stable.
 *
 * @example
 * const { requests } = foldRequests(entries, { charter, now: node.now() });
 * requests.filter((r) => r.state === 'unanswered');
 */
export function foldRequests(entries: readonly RecordEntry[], options: { charter: Charter; now: string }): RequestFold {
  const s = newRequestsState(newMechanisms(options.charter));
  for (const e of causalOrder(entries)) stepRequests(s, e);
  return viewsOf(s, options.now);
}

export function viewsOf(s: RequestsState, now: string): RequestFold {
  return {
    requests: [...s.requests.values()].map((r) => requestView(r, now)),
    meetings: [...s.meetings.values()].map((m) => meetingView(m, s.mechanisms.members, now)),
    violations: [...s.violations],
  };
}
