/**
 * The whole channel through the engagement rules: one pass over the record
 * that keeps every module's state, checks each entry before applying it, and
 * flags what the rules refuse. `checkCandidate` runs the same check on an
 * entry not yet signed. Pure.
 */
import type { Charter } from '@parley/contract';
import {
  applyCommitmentEntry,
  type CommitmentsState,
  checkCommitmentEntry,
  commitmentViews,
  newCommitments,
} from './commitments.js';
import {
  applyIncidentEntry,
  checkIncidentEntry,
  type IncidentsState,
  incidentViews,
  newIncidents,
} from './incidents.js';
import {
  type Amendment,
  checkMechanismEntry,
  type MechanismView,
  mechanismViews,
  newMechanisms,
} from './mechanisms.js';
import {
  applyNotificationEntry,
  checkNotificationEntry,
  type NotificationsState,
  newNotifications,
  notificationViews,
} from './notifications.js';
import { checkReadoutEntry, type ReadoutView, readoutView } from './readouts.js';
import { causalOrder, type RecordEntry } from './record-view.js';
import {
  checkRequestEntry,
  newRequestsState,
  type RequestFold,
  type RequestsState,
  stepRequests,
  viewsOf,
} from './requests.js';
import type { Violation } from './rule-error.js';

export interface EngagementState {
  requests: RequestsState;
  commitments: CommitmentsState;
  incidents: IncidentsState;
  notifications: NotificationsState;
  readouts: ReadoutView[];
  /** Every engagement entry seen: id → its type (for references between them). */
  seen: Map<string, { type: string; author: string }>;
}

export function newEngagementState(genesis: Charter): EngagementState {
  const members = genesis.members.map((m) => m.id);
  return {
    requests: newRequestsState(newMechanisms(genesis)),
    commitments: newCommitments(members),
    incidents: newIncidents(),
    notifications: newNotifications(members),
    readouts: [],
    seen: new Map(),
  };
}

const requestModuleTypes = new Set([
  'charter-amend',
  'charter-accept',
  'mechanism-suspend',
  'mechanism-resume',
  'request',
  'request-accept',
  'request-decline',
  'request-counter',
  'request-withdraw',
  'meeting',
  'meeting-confirm',
  'meeting-postpone',
  'meeting-cancel',
]);

function lookup(s: EngagementState) {
  return (id: string) => {
    const seen = s.seen.get(id);
    if (!seen) return undefined;
    return { type: seen.type, cancelled: s.requests.meetings.get(id)?.cancelled !== undefined };
  };
}

/** Why the rules refuse `e` as the record stands in `s`, or null. Does not change `s`. */
export function checkCandidate(s: EngagementState, e: RecordEntry): string | null {
  if (requestModuleTypes.has(e.type))
    return checkMechanismEntry(s.requests.mechanisms, e) ?? checkRequestEntry(s.requests, e);
  switch (e.type) {
    case 'readout':
      return checkReadoutEntry(e, lookup(s));
    case 'commitment-propose':
    case 'commitment-agree':
    case 'commitment-status':
      return checkCommitmentEntry(s.commitments, e, lookup(s));
    case 'incident-report':
    case 'incident-response':
      return checkIncidentEntry(s.incidents, e, lookup(s));
    case 'notification':
    case 'notification-ack':
      return checkNotificationEntry(s.notifications, e, s.requests.mechanisms.charter);
    default:
      return null;
  }
}

/** Checks and applies (or flags) one entry of the record. Returns the reason if flagged. */
export function step(s: EngagementState, e: RecordEntry): string | null {
  s.seen.set(e.id, { type: e.type, author: e.author });
  if (requestModuleTypes.has(e.type)) return stepRequests(s.requests, e);
  const reason = checkCandidate(s, e);
  if (reason !== null)
    s.requests.violations.push({ entry: e.id, author: e.author, type: e.type, time: e.time, reason });
  const members = s.requests.mechanisms.members;
  const charter = s.requests.mechanisms.charter;
  switch (e.type) {
    case 'readout':
      if (reason === null) s.readouts.push(readoutView(e, members));
      break;
    case 'commitment-propose':
    case 'commitment-agree':
    case 'commitment-status':
      applyCommitmentEntry(s.commitments, e, reason ?? undefined);
      break;
    case 'incident-report':
    case 'incident-response':
      if (reason === null) applyIncidentEntry(s.incidents, e);
      break;
    case 'notification':
    case 'notification-ack':
      applyNotificationEntry(s.notifications, e, charter, reason ?? undefined);
      break;
  }
  return reason;
}

/** Folds a channel's record (any order) from its genesis charter. */
export function foldEngagement(genesis: Charter, entries: readonly RecordEntry[]): EngagementState {
  const s = newEngagementState(genesis);
  for (const e of causalOrder(entries)) step(s, e);
  return s;
}

export interface EngagementViews extends RequestFold {
  charter: Charter;
  amendments: Amendment[];
  mechanisms: MechanismView[];
  readouts: ReadoutView[];
  commitments: ReturnType<typeof commitmentViews>;
  incidents: ReturnType<typeof incidentViews>;
  notifications: ReturnType<typeof notificationViews>;
  violations: Violation[];
}

/** Everything folded, as of `now`. */
export function engagementViews(s: EngagementState, now: string): EngagementViews {
  return {
    ...viewsOf(s.requests, now),
    charter: s.requests.mechanisms.charter,
    amendments: [...s.requests.mechanisms.amendments.values()],
    mechanisms: mechanismViews(s.requests.mechanisms),
    readouts: [...s.readouts],
    commitments: commitmentViews(s.commitments, now),
    incidents: incidentViews(s.incidents),
    notifications: notificationViews(s.notifications, now),
  };
}
