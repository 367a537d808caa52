/** Link uptime and operator link checks, from the record alone (decision 0011). Pure. */
import type { MetricEntry, MetricsQuery } from './engagement-metrics.js';
import { inPeriod } from './stats.js';

export interface LinkRow {
  /** The party whose node (or operator) wrote the checks… */
  checker: string;
  /** …and the party expected to answer them. */
  answerer: string;
  /** Node checks written in the period whose answer window has closed, and how many the answerer's node answered in time. */
  nodeChecks: number;
  nodeAnswered: number;
  /** nodeAnswered / nodeChecks: the share of samples in which the link worked; null without samples. */
  uptime: number | null;
  /** Operator checks whose window closed, answered in time by a person. */
  operatorChecks: number;
  operatorAnswered: number;
  /** Unanswered although the answerer's node had stored the check in time: political silence. */
  operatorSilentWhileHealthy: number;
  /** Unanswered and not stored in time by the answerer's node: the link was down (technical). */
  operatorUnansweredWhileDown: number;
  /** Checks whose window has not closed yet (not counted above). */
  pending: number;
}

/**
 * Link checks, from the record alone. A check is "stored in time" when an
 * entry of the answerer dated within the check's window has heads reaching
 * the check (its own signed statement that it had it), and "answered in
 * time" when the answerer's link-check-answer on it is dated within the
 * window. Node checks measure the link; operator checks measure the people.
 */
export function linkMetrics(members: string[], entries: readonly MetricEntry[], query: MetricsQuery): LinkRow[] {
  const feeds = new Map<string, MetricEntry[]>();
  for (const e of entries) {
    const feed = feeds.get(e.author);
    if (feed) feed.push(e);
    else feeds.set(e.author, [e]);
  }
  for (const feed of feeds.values()) feed.sort((a, b) => a.seq - b.seq);
  const answers = new Map<string, MetricEntry[]>();
  for (const e of entries) {
    if (e.type !== 'link-check-answer') continue;
    const check = ((e.body ?? {}) as { check?: string }).check ?? e.refs[0];
    if (!check) continue;
    const list = answers.get(check);
    if (list) list.push(e);
    else answers.set(check, [e]);
  }
  const rows: LinkRow[] = [];
  for (const checker of members) {
    for (const answerer of members) {
      if (answerer === checker) continue;
      const row: LinkRow = {
        checker,
        answerer,
        nodeChecks: 0,
        nodeAnswered: 0,
        uptime: null,
        operatorChecks: 0,
        operatorAnswered: 0,
        operatorSilentWhileHealthy: 0,
        operatorUnansweredWhileDown: 0,
        pending: 0,
      };
      const theirs = feeds.get(answerer) ?? [];
      for (const check of feeds.get(checker) ?? []) {
        if (check.type !== 'link-check') continue;
        const body = (check.body ?? {}) as { kind?: string; answerWithinSeconds?: number };
        if (!inPeriod(check.time, query)) continue;
        const deadline = new Date(Date.parse(check.time) + (body.answerWithinSeconds ?? 0) * 1000).toISOString();
        const answer = (answers.get(check.id) ?? []).find((a) => a.author === answerer && a.time <= deadline);
        const answeredInTime =
          answer !== undefined && (body.kind !== 'operator' || (answer.body as { by?: string })?.by !== 'node');
        if (!answeredInTime && deadline > query.now) {
          row.pending++;
          continue;
        }
        if (body.kind === 'operator') {
          row.operatorChecks++;
          if (answeredInTime) row.operatorAnswered++;
          else if (storedBy(theirs, checker, check.seq, deadline)) row.operatorSilentWhileHealthy++;
          else row.operatorUnansweredWhileDown++;
        } else {
          row.nodeChecks++;
          if (answeredInTime) row.nodeAnswered++;
        }
      }
      row.uptime = row.nodeChecks === 0 ? null : row.nodeAnswered / row.nodeChecks;
      rows.push(row);
    }
  }
  return rows;
}

/** True when an entry of `feed` dated at or before `by` has heads reaching `author`'s seq `seq`. */
function storedBy(feed: readonly MetricEntry[], author: string, seq: number, by: string): boolean {
  // Heads only grow along a feed, so the first entry that reaches the seq is the earliest acknowledgement.
  let lo = 0;
  let hi = feed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((feed[mid]!.heads?.[author] ?? 0) >= seq) hi = mid;
    else lo = mid + 1;
  }
  return lo < feed.length && feed[lo]!.time <= by;
}
