/** Incident reports and the other side's responses, linked to the meeting that discussed them. Pure. */
import type { incidentResponses } from '@parley/contract';
import type { RecordEntry } from './record-view.js';

type Response = (typeof incidentResponses)[number];

import { short } from './rule-error.js';

export interface IncidentResponseView {
  entry: string;
  by: string;
  time: string;
  response: Response;
  account?: string;
  discussedAt?: string;
}

export interface IncidentView {
  id: string;
  author: string;
  time: string;
  report: Record<string, unknown>;
  responses: IncidentResponseView[];
  /** Each responding member's newest response. */
  latest: Record<string, Response>;
  discussedAt: string[];
  state: 'reported' | 'acknowledged' | 'contested' | 'regretted';
}

export interface IncidentsState {
  items: Map<string, Omit<IncidentView, 'state'>>;
}

export function newIncidents(): IncidentsState {
  return { items: new Map() };
}

type Lookup = (id: string) => { type: string } | undefined;

export function checkIncidentEntry(s: IncidentsState, e: RecordEntry, lookup: Lookup): string | null {
  if (e.type !== 'incident-response') return null;
  const b = (e.body ?? {}) as Record<string, unknown>;
  const i = s.items.get(b.incident as string);
  if (!i) return `${short(b.incident as string)} is not an incident report in this channel`;
  if (i.author === e.author) return `${e.author} reported incident ${short(i.id)}: another member responds to it`;
  if (b.discussedAt !== undefined && lookup(b.discussedAt as string)?.type !== 'meeting')
    return `${short(b.discussedAt as string)} is not a meeting in this channel`;
  return null;
}

export function applyIncidentEntry(s: IncidentsState, e: RecordEntry): void {
  const b = (e.body ?? {}) as Record<string, unknown>;
  if (e.type === 'incident-report') {
    s.items.set(e.id, {
      id: e.id,
      author: e.author,
      time: e.time,
      report: b,
      responses: [],
      latest: {},
      discussedAt: [],
    });
    return;
  }
  if (e.type !== 'incident-response') return;
  const i = s.items.get(b.incident as string);
  if (!i) return;
  i.responses.push({
    entry: e.id,
    by: e.author,
    time: e.time,
    response: b.response as Response,
    ...(b.account !== undefined ? { account: b.account as string } : {}),
    ...(b.discussedAt !== undefined ? { discussedAt: b.discussedAt as string } : {}),
  });
  i.latest[e.author] = b.response as Response;
  if (b.discussedAt !== undefined && !i.discussedAt.includes(b.discussedAt as string))
    i.discussedAt.push(b.discussedAt as string);
}

export function incidentViews(s: IncidentsState): IncidentView[] {
  return [...s.items.values()].map((i) => {
    const latest = Object.values(i.latest);
    const state = latest.includes('contest')
      ? 'contested'
      : latest.includes('regret')
        ? 'regretted'
        : latest.includes('acknowledge')
          ? 'acknowledged'
          : 'reported';
    return { ...i, state };
  });
}
