/**
 * Metrics from the record: who asked, who answered and how fast, how long
 * since each mechanism was last used, whether the link worked, whether the
 * operator on duty answered while it did, incidents and commitments. Pure:
 * a function of a channel's entries, its genesis charter and `now`. See
 * docs/decisions/0011-metrics-and-silence.md for the definitions.
 */
import type { Charter } from '@parley/contract';
import { engagementViews, foldEngagement } from '../engagement/fold.js';
import { engagementTypes, type RecordEntry } from '../engagement/record-view.js';
import type { RequestView } from '../engagement/requests.js';
import { type LinkRow, linkMetrics } from './link-metrics.js';
import { daysBetween, inPeriod, monthOf, quantile } from './stats.js';

/** An entry as metrics read it: the rules' view plus the heads (party → seq) that show what the author had stored. */
export interface MetricEntry extends RecordEntry {
  heads?: Record<string, number>;
}

export interface MetricsQuery {
  /** Inclusive ISO bounds of the period; either may be absent (open-ended). */
  from?: string | undefined;
  to?: string | undefined;
  /** Only this mechanism (requests, contact, commitments from its meetings). */
  mechanism?: string | undefined;
  /** Only mechanisms of this level (1–5). */
  level?: number | undefined;
  /** The time the metrics are taken at: states (unanswered, held, overdue) are as of now. */
  now: string;
}

export interface RequestRow {
  /** The requesting party. */
  side: string;
  /** A mechanism id, or `*` for the side's total. */
  mechanism: string;
  level: number | null;
  /** Requests made in the period. */
  made: number;
  /** Current state (as of now) of those requests. */
  open: number;
  countered: number;
  accepted: number;
  declined: number;
  withdrawn: number;
  /** No answer from a responder by the deadline (even if one came later, or it was withdrawn after). */
  unanswered: number;
  /** Answered, but after the deadline. */
  late: number;
  /** Made on a mechanism a party had suspended. */
  onSuspendedMechanism: number;
  /** Requests with an answer, and the time from request to first answer. */
  answered: number;
  medianAnswerMs: number | null;
  p90AnswerMs: number | null;
}

export interface ContactRow {
  mechanism: string;
  level: number;
  /** Start of the newest meeting held (or confirmed) on it up to now, or null. */
  lastContact: string | null;
  daysSince: number | null;
  /** Meetings held on it that started in the period. */
  meetingsInPeriod: number;
}

export type { LinkRow } from './link-metrics.js';

export interface EngagementMetrics {
  now: string;
  period: { from: string | null; to: string | null };
  filter: { mechanism: string | null; level: number | null };
  /** Per side and mechanism; per side and level (mechanism `*`); per side (mechanism `*`, level null). */
  requests: { rows: RequestRow[]; byLevel: RequestRow[]; bySide: RequestRow[] };
  contact: {
    byMechanism: ContactRow[];
    byLevel: Array<{ level: number; lastContact: string | null; daysSince: number | null }>;
  };
  link: LinkRow[];
  incidents: { total: number; byMonth: Array<{ month: string; side: string; count: number }> };
  commitments: {
    total: number;
    proposed: number;
    agreed: number;
    divergent: number;
    overdue: number;
    /** Each member's newest claimed status, counted per member; `none` when it claimed nothing. */
    claimed: Record<string, Record<string, number>>;
  };
}

/**
 * Computes every metric of one channel from its entries (any order, any
 * types: engagement entries feed the rules, link checks and heads feed the
 * link metrics).
 *
 * @example
 * const m = engagementMetrics(charter, entries, { now: node.now(), from: '2023-01-01T00:00:00.000Z' });
 */
export function engagementMetrics(
  charter: Charter,
  entries: readonly MetricEntry[],
  query: MetricsQuery,
): EngagementMetrics {
  const state = foldEngagement(
    charter,
    entries.filter((e) => engagementTypes.has(e.type)),
  );
  const views = engagementViews(state, query.now);
  const levelOf = new Map(views.mechanisms.map((m) => [m.id, m.level]));
  const wanted = (mechanism: string, level: number | undefined) =>
    (query.mechanism === undefined || mechanism === query.mechanism) &&
    (query.level === undefined || level === query.level);

  const requests = views.requests.filter(
    (r) => inPeriod(r.time, query) && wanted(r.mechanism, r.level ?? levelOf.get(r.mechanism)),
  );
  const level = (r: RequestView) => r.level ?? levelOf.get(r.mechanism) ?? null;
  const rows = groupRequests(requests, (r) => [r.requester, r.mechanism, level(r)]);
  const perLevel = groupRequests(requests, (r) => [r.requester, '*', level(r)]);
  const bySide = groupRequests(requests, (r) => [r.requester, '*', null]);

  const meetings = views.meetings.filter(
    (m) => (m.state === 'held' || m.state === 'confirmed') && m.start <= query.now,
  );
  const byMechanism: ContactRow[] = views.mechanisms
    .filter((m) => wanted(m.id, m.level))
    .map((m) => {
      const held = meetings.filter((x) => x.mechanism === m.id);
      const last =
        held
          .map((x) => x.start)
          .sort()
          .pop() ?? null;
      return {
        mechanism: m.id,
        level: m.level,
        lastContact: last,
        daysSince: last === null ? null : daysBetween(last, query.now),
        meetingsInPeriod: held.filter((x) => inPeriod(x.start, query)).length,
      };
    });
  const levels = [...new Set(byMechanism.map((c) => c.level))].sort((a, b) => a - b);
  const byLevel = levels.map((level) => {
    const last =
      byMechanism
        .filter((c) => c.level === level && c.lastContact !== null)
        .map((c) => c.lastContact!)
        .sort()
        .pop() ?? null;
    return { level, lastContact: last, daysSince: last === null ? null : daysBetween(last, query.now) };
  });

  const byMonth = new Map<string, { month: string; side: string; count: number }>();
  const incidents = views.incidents.filter((i) => inPeriod(i.time, query));
  for (const i of incidents) {
    const key = `${monthOf(i.time)}\n${i.author}`;
    const row = byMonth.get(key) ?? { month: monthOf(i.time), side: i.author, count: 0 };
    row.count++;
    byMonth.set(key, row);
  }

  const meetingMechanism = new Map(views.meetings.map((m) => [m.id, m.mechanism]));
  const members = charter.members.map((m) => m.id);
  const commitments = views.commitments.filter((c) => {
    if (!inPeriod(c.time, query)) return false;
    if (query.mechanism === undefined && query.level === undefined) return true;
    const mechanism = c.sourceMeeting ? meetingMechanism.get(c.sourceMeeting) : undefined;
    return mechanism !== undefined && wanted(mechanism, levelOf.get(mechanism));
  });
  const claimed: Record<string, Record<string, number>> = {};
  for (const party of members) {
    const counts: Record<string, number> = {};
    for (const c of commitments) {
      const status = c.claims[party]?.status ?? 'none';
      counts[status] = (counts[status] ?? 0) + 1;
    }
    claimed[party] = counts;
  }

  return {
    now: query.now,
    period: { from: query.from ?? null, to: query.to ?? null },
    filter: { mechanism: query.mechanism ?? null, level: query.level ?? null },
    requests: { rows, byLevel: perLevel, bySide },
    contact: { byMechanism, byLevel },
    link: linkMetrics(members, entries, query),
    incidents: {
      total: incidents.length,
      byMonth: [...byMonth.values()].sort((a, b) =>
        a.month === b.month ? (a.side < b.side ? -1 : 1) : a.month < b.month ? -1 : 1,
      ),
    },
    commitments: {
      total: commitments.length,
      proposed: commitments.filter((c) => c.state === 'proposed').length,
      agreed: commitments.filter((c) => c.state === 'agreed').length,
      divergent: commitments.filter((c) => c.divergent).length,
      overdue: commitments.filter((c) => c.overdue).length,
      claimed,
    },
  };
}

function groupRequests(
  requests: RequestView[],
  keyOf: (r: RequestView) => [side: string, mechanism: string, level: number | null],
): RequestRow[] {
  const groups = new Map<string, { key: [string, string, number | null]; list: RequestView[] }>();
  for (const r of requests) {
    const key = keyOf(r);
    const id = key.join('\n');
    const group = groups.get(id);
    if (group) group.list.push(r);
    else groups.set(id, { key, list: [r] });
  }
  const rows = [...groups.values()].map(({ key: [side, mechanism, level], list }): RequestRow => {
    const times = list.flatMap((r) => (r.answerMs === undefined ? [] : [r.answerMs]));
    const count = (pred: (r: RequestView) => boolean) => list.filter(pred).length;
    return {
      side,
      mechanism,
      level,
      made: list.length,
      open: count((r) => r.state === 'open'),
      countered: count((r) => r.state === 'countered'),
      accepted: count((r) => r.state === 'accepted'),
      declined: count((r) => r.state === 'declined'),
      withdrawn: count((r) => r.state === 'withdrawn'),
      unanswered: count((r) => r.unansweredAtDeadline),
      late: count((r) => r.late),
      onSuspendedMechanism: count((r) => r.onSuspendedMechanism),
      answered: times.length,
      medianAnswerMs: quantile(times, 0.5) ?? null,
      p90AnswerMs: quantile(times, 0.9) ?? null,
    };
  });
  const order = (r: RequestRow) => `${r.side}\n${r.mechanism}\n${r.level ?? 0}`;
  return rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
