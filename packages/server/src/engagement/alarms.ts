/**
 * Engagement alarms: a request's answer deadline approaching and passed,
 * a notification not acknowledged in time, and a peer's entry that breaks the
 * rules. Driven by the node's clock (a scenario clock runs them too), through
 * the store's alarms and the node's event bus, like the handling-target alarms.
 */
import { isParleyError } from '@parley/contract';
import type { Logger } from 'pino';
import type { AppendedEvent } from '../node/events.js';
import type { ParleyNode } from '../node/node.js';
import type { AlarmRow } from '../store/store.js';
import { engagementState } from './act.js';
import { type EngagementState, type EngagementViews, engagementViews } from './fold.js';
import { engagementTypes } from './record-view.js';
import { short } from './rule-error.js';

export const engagementAlarmKinds = [
  'request-deadline-near',
  'request-unanswered',
  'notification-unacknowledged',
  'rule-violation',
] as const;
export type EngagementAlarmKind = (typeof engagementAlarmKinds)[number];

export interface EngagementAlarm {
  kind: EngagementAlarmKind;
  channel: string;
  /** The entry it is about. */
  entry: string;
  message: string;
  details: Record<string, string | number | boolean>;
}

/** How long before a deadline the first alarm sounds: a quarter of the time to answer, at most 6 h. */
export function leadMs(requestTime: string, deadline: string): number {
  return Math.min(6 * 3_600_000, Math.max(0, Date.parse(deadline) - Date.parse(requestTime)) / 4);
}

const hoursLeft = (now: string, until: string) =>
  Math.max(0, Math.round((Date.parse(until) - Date.parse(now)) / 360_000) / 10);

/** The alarms that should be open now for this party in one channel. Pure. */
export function dueAlarms(self: string, channel: string, v: EngagementViews, now: string): EngagementAlarm[] {
  const out: EngagementAlarm[] = [];
  for (const r of v.requests) {
    if (r.invalid || (r.requester !== self && !r.responders.includes(self))) continue;
    const what = `request ${short(r.id)} "${r.subject}" from ${r.requester} on ${r.mechanism}`;
    const details = { channel, request: r.id, deadline: r.deadline, requester: r.requester, mechanism: r.mechanism };
    if (r.state === 'open' && now >= new Date(Date.parse(r.deadline) - leadMs(r.time, r.deadline)).toISOString())
      out.push({
        kind: 'request-deadline-near',
        channel,
        entry: r.id,
        message: `${what}: no answer yet; the deadline ${r.deadline} is ${hoursLeft(now, r.deadline)} h away`,
        details,
      });
    if (r.state === 'unanswered')
      out.push({
        kind: 'request-unanswered',
        channel,
        entry: r.id,
        message: `${what}: unanswered — its deadline ${r.deadline} passed with no answer in ${r.responders.join(', ')}'s feed`,
        details,
      });
  }
  for (const n of v.notifications) {
    if (!n.overdue || (n.author !== self && !n.awaiting.includes(self))) continue;
    out.push({
      kind: 'notification-unacknowledged',
      channel,
      entry: n.id,
      message: `notification ${short(n.id)} (${n.format}) from ${n.author}: not acknowledged by ${n.awaiting.join(', ')} by ${n.ackDeadline}`,
      details: { channel, notification: n.id, format: n.format, ackDeadline: n.ackDeadline ?? '' },
    });
  }
  for (const x of v.violations) {
    if (x.author === self) continue;
    out.push({
      kind: 'rule-violation',
      channel,
      entry: x.entry,
      message: `${x.author} wrote a ${x.type} the engagement rules refuse (${x.reason}); it is stored and flagged`,
      details: { channel, entry: x.entry, author: x.author, type: x.type, reason: x.reason },
    });
  }
  return out;
}

const keyOf = (kind: string, channel: string | null, entry: string) => JSON.stringify([kind, channel, entry]);
const entryOf = (row: AlarmRow) => {
  const d = JSON.parse(row.details) as Record<string, string>;
  return d.request ?? d.notification ?? d.entry ?? '';
};

/** What to raise and clear, given what is due and what is open. Rule violations are never cleared by themselves. */
export function planEngagementAlarms(due: EngagementAlarm[], open: AlarmRow[], channels: Set<string>) {
  const dueKeys = new Map(due.map((a) => [keyOf(a.kind, a.channel, a.entry), a]));
  const openKeys = new Set<string>();
  const clear: AlarmRow[] = [];
  for (const row of open) {
    if (!(engagementAlarmKinds as readonly string[]).includes(row.kind)) continue;
    if (row.channel !== null && !channels.has(row.channel)) continue;
    const key = keyOf(row.kind, row.channel, entryOf(row));
    if (dueKeys.has(key) && !openKeys.has(key)) openKeys.add(key);
    else if (row.kind !== 'rule-violation') clear.push(row);
  }
  return { raise: [...dueKeys].filter(([k]) => !openKeys.has(k)).map(([, a]) => a), clear };
}

export interface EngagementAlarmsOptions {
  log: Logger;
  /** How often to look at deadlines (default 5 s, of real time; the deadlines are read on the node's clock). */
  intervalMs?: number;
}

/** The periodic check: a timer plus the node's events, one check at a time. */
export class EngagementAlarms {
  readonly #node: ParleyNode;
  readonly #o: EngagementAlarmsOptions;
  readonly #states = new Map<string, EngagementState>();
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();
  /** A check is queued and not started: later events need no other (a burst of entries is one check). */
  #pending = false;
  // Only engagement entries change what is due: receipts, checkpoints and messages never refold the channel.
  #onAppended = (e: AppendedEvent) => {
    if (!e.types.some((t) => engagementTypes.has(t))) return;
    this.#dirty.add(e.channel);
    this.#enqueue();
  };

  constructor(node: ParleyNode, options: EngagementAlarmsOptions) {
    this.#node = node;
    this.#o = options;
  }

  start(): void {
    this.#node.events.on('appended', this.#onAppended);
    this.#timer = setInterval(() => this.#enqueue(), this.#o.intervalMs ?? 5000);
    this.#timer.unref();
    this.#enqueue();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#node.events.off('appended', this.#onAppended);
    await this.#queue;
  }

  /** Reads every channel afresh and checks now (tests; the timer and the node's events do it otherwise). */
  check(): Promise<void> {
    this.#states.clear();
    this.#enqueue();
    return this.#queue;
  }

  #enqueue(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#queue = this.#queue
      .then(() => {
        this.#pending = false;
        return this.#check();
      })
      .catch((error) => {
        if (!isParleyError(error, 'PARLEY_E_UNKNOWN_CHANNEL'))
          this.#o.log.warn({ err: String(error) }, 'engagement alarm check failed');
      });
  }

  async #check(): Promise<void> {
    const now = this.#node.now();
    const channels = new Set<string>();
    const due: EngagementAlarm[] = [];
    for (const row of await this.#node.store.listChannels()) {
      if (row.state !== 'active') continue;
      channels.add(row.id);
      let state = this.#states.get(row.id);
      if (!state || this.#dirty.has(row.id)) {
        this.#dirty.delete(row.id);
        state = await engagementState(this.#node, row.id);
        this.#states.set(row.id, state);
      }
      due.push(...dueAlarms(this.#node.party, row.id, engagementViews(state, now), now));
    }
    const { raise, clear } = planEngagementAlarms(due, await this.#node.store.openAlarms(), channels);
    for (const row of clear) await this.#node.store.clearAlarm(row.id, now);
    for (const a of raise) {
      await this.#node.store.raiseAlarm({
        kind: a.kind,
        channel: a.channel,
        message: a.message,
        details: JSON.stringify(a.details),
        raisedAt: now,
      });
      this.#node.events.emit('alarm', { kind: a.kind, message: a.message, channel: a.channel });
    }
  }
}
