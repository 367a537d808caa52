/**
 * An operator link check with no answer from a person past the charter's
 * FLASH handling target raises an alarm on both sides: at the answering side
 * (the watch must answer), at the sending side (nobody has). Cleared when a
 * person answers, or a day after the check's window closed (the record keeps
 * the silence). On the node's clock, through the store's alarms and the
 * node's event bus, like engagement/alarms.ts.
 */
import { isParleyError } from '@parley/contract';
import type { Logger } from 'pino';
import { short } from '../engagement/rule-error.js';
import type { AppendedEvent } from '../node/events.js';
import type { ParleyNode } from '../node/node.js';
import type { AlarmRow } from '../store/store.js';
import { listOperatorChecks, type OperatorCheckView } from './operator-checks.js';

export const operatorCheckAlarmKind = 'operator-check-unanswered';

/** How long after a check's window closed its alarm stays open without an answer. */
export const staleAfterSeconds = 86_400;

export interface OperatorCheckAlarm {
  channel: string;
  check: string;
  message: string;
}

/** The alarms due now in one channel: checks with no answer older than the FLASH target (minutes). Pure. */
export function dueOperatorCheckAlarms(
  channel: string,
  checks: readonly OperatorCheckView[],
  flashMinutes: number,
): OperatorCheckAlarm[] {
  const out: OperatorCheckAlarm[] = [];
  for (const c of checks) {
    if (c.answer || c.ageSeconds < flashMinutes * 60) continue;
    // A day after its window closed, an unanswered check is history: the metrics and the list keep it.
    if (c.ageSeconds > c.answerWithinSeconds + staleAfterSeconds) continue;
    const age = Math.round(c.ageSeconds / 60);
    out.push({
      channel,
      check: c.id,
      message:
        c.direction === 'in'
          ? `operator link check ${short(c.id)} from ${c.author}: no answer from this watch for ${age} min (FLASH target ${flashMinutes} min)`
          : `operator link check ${short(c.id)} to ${c.answerers.join(', ')}: no answer for ${age} min (FLASH target ${flashMinutes} min); the link was ${c.linkUp ? 'up' : 'down'}`,
    });
  }
  return out;
}

const checkOf = (row: AlarmRow) => (JSON.parse(row.details) as { check?: string }).check ?? '';

export interface OperatorCheckAlarmsOptions {
  log: Logger;
  /** How often to look (default 5 s of real time; ages are read on the node's clock). */
  intervalMs?: number;
}

export class OperatorCheckAlarms {
  readonly #node: ParleyNode;
  readonly #o: OperatorCheckAlarmsOptions;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();
  #pending = false;
  #onAppended = (e: AppendedEvent) => {
    if (e.types.some((t) => t === 'link-check' || t === 'link-check-answer')) this.#enqueue();
  };

  constructor(node: ParleyNode, options: OperatorCheckAlarmsOptions) {
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

  /** Checks now (tests; the timer and the node's events do it otherwise). */
  check(): Promise<void> {
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
          this.#o.log.warn({ err: String(error) }, 'operator link check alarm check failed');
      });
  }

  async #check(): Promise<void> {
    const now = this.#node.now();
    const due = new Map<string, OperatorCheckAlarm>();
    const channels = new Set<string>();
    for (const row of await this.#node.store.listChannels()) {
      if (row.state !== 'active') continue;
      channels.add(row.id);
      const { charter } = await this.#node.channel(row.id);
      const checks = await listOperatorChecks(this.#node, row.id);
      for (const a of dueOperatorCheckAlarms(row.id, checks, charter.handlingTargets.FLASH))
        due.set(JSON.stringify([a.channel, a.check]), a);
    }
    const open = new Set<string>();
    for (const row of await this.#node.store.openAlarms()) {
      if (row.kind !== operatorCheckAlarmKind || row.channel === null || !channels.has(row.channel)) continue;
      const key = JSON.stringify([row.channel, checkOf(row)]);
      if (due.has(key) && !open.has(key)) open.add(key);
      else await this.#node.store.clearAlarm(row.id, now);
    }
    for (const [key, a] of due) {
      if (open.has(key)) continue;
      await this.#node.store.raiseAlarm({
        kind: operatorCheckAlarmKind,
        channel: a.channel,
        message: a.message,
        details: JSON.stringify({ channel: a.channel, check: a.check }),
        raisedAt: now,
      });
      this.#node.events.emit('alarm', { kind: operatorCheckAlarmKind, message: a.message, channel: a.channel });
    }
  }
}
