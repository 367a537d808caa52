import { isParleyError } from '@parley/contract';
import type { Logger } from 'pino';
import type { AppendedEvent } from '../node/events.js';
import type { ParleyNode } from '../node/node.js';
import type { AlarmRow } from '../store/store.js';
import { dtg } from './dtg.js';
import { type OverdueMessage, overdue, settle } from './message-status.js';

export const handlingAlarmKind = 'handling-target';

/** What a handling-target alarm is about: one message, one recipient that has not answered it. */
export interface HandlingAlarmKey {
  channel: string;
  message: string;
  party: string;
}

export interface AlarmToRaise extends HandlingAlarmKey {
  text: string;
  details: Record<string, string | number | boolean>;
}

/**
 * Which alarms to raise and clear, given what is overdue now and what is
 * open. This party sounds an alarm for its own messages no person at a
 * recipient answered in time (read from the recipient's feed), and for
 * others' messages no person here answered (its own missing ack); never for
 * two other parties' business. Everything open that is no longer overdue
 * (answered since) is cleared.
 */
export function planAlarms(
  self: string,
  overdueByChannel: ReadonlyMap<string, readonly OverdueMessage[]>,
  open: readonly AlarmRow[],
): { raise: AlarmToRaise[]; clear: AlarmRow[] } {
  const due = new Map<string, AlarmToRaise>();
  for (const [channel, messages] of overdueByChannel)
    for (const m of messages)
      for (const missing of m.missing) {
        if (m.author !== self && missing.party !== self) continue;
        due.set(keyOf({ channel, message: m.id, party: missing.party }), alarmFor(self, channel, m, missing));
      }
  const openKeys = new Set<string>();
  const clear: AlarmRow[] = [];
  for (const alarm of open) {
    if (alarm.kind !== handlingAlarmKind) continue;
    const key = keyOf(alarmKey(alarm));
    if (due.has(key) && !openKeys.has(key)) openKeys.add(key);
    else clear.push(alarm);
  }
  return { raise: [...due].filter(([key]) => !openKeys.has(key)).map(([, a]) => a), clear };
}

function alarmFor(
  self: string,
  channel: string,
  m: OverdueMessage,
  missing: { party: string; stored: boolean },
): AlarmToRaise {
  const what = `${m.precedence} serial ${m.serial} "${m.subject}" (${m.dtg})`;
  const text =
    m.author === self
      ? `${what} to ${missing.party}: no person there has acknowledged it by its handling target (due ${dtg(m.due)}); ${
          missing.stored
            ? `${missing.party}'s node stored it`
            : `${missing.party} is not known to hold it: check the link`
        }`
      : `${what} from ${m.author}: not acknowledged here by a person by its handling target (due ${dtg(m.due)})`;
  return {
    channel,
    message: m.id,
    party: missing.party,
    text,
    details: {
      channel,
      message: m.id,
      party: missing.party,
      author: m.author,
      serial: m.serial,
      precedence: m.precedence,
      due: m.due,
      side: m.author === self ? 'sender' : 'receiver',
      stored: missing.stored,
    },
  };
}

function alarmKey(alarm: AlarmRow): HandlingAlarmKey {
  const d = JSON.parse(alarm.details) as Partial<HandlingAlarmKey>;
  return { channel: alarm.channel ?? '', message: d.message ?? '', party: d.party ?? '' };
}

function keyOf(k: HandlingAlarmKey): string {
  return JSON.stringify([k.channel, k.message, k.party]);
}

export interface HandlingAlarmsOptions {
  log: Logger;
  /** How often to look for messages past their target (default 5 s); answers are looked at as they arrive. */
  intervalMs?: number;
}

const answerTypes = new Set(['message-ack', 'message-unread']);

/**
 * The periodic handling-target check (DESIGN.md: a message no person has
 * acknowledged within its target raises an alarm on both sides), like
 * Automation: a timer plus the node's events, one check at a time.
 */
export class HandlingAlarms {
  readonly #node: ParleyNode;
  readonly #o: HandlingAlarmsOptions;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();
  #waiting = false;
  #onAppended = (e: AppendedEvent) => {
    if (e.types.some((t) => answerTypes.has(t))) this.#enqueue();
  };

  constructor(node: ParleyNode, options: HandlingAlarmsOptions) {
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

  /** Raises and clears alarms as the record stands at the node's clock's now. */
  async check(): Promise<{ raised: number; cleared: number }> {
    const { store } = this.#node;
    const now = this.#node.clock.now();
    const byChannel = new Map<string, OverdueMessage[]>();
    for (const row of await store.listChannels()) {
      if (row.state !== 'active') continue;
      // Settling only spares later checks their reading: a store refusing writes (read-only, full) still gets its alarms.
      await settle(store, row.id, now).catch((error: unknown) => {
        if (!isParleyError(error, 'PARLEY_E_UNKNOWN_CHANNEL'))
          this.#o.log.warn({ err: String(error) }, 'handling check: settling answered messages failed');
      });
      byChannel.set(row.id, await overdue(store, row.id, now));
    }
    const { raise, clear } = planAlarms(this.#node.party, byChannel, await store.openAlarms());
    const at = this.#node.now();
    for (const a of raise) {
      await store.raiseAlarm({
        kind: handlingAlarmKind,
        channel: a.channel,
        message: a.text,
        details: JSON.stringify(a.details),
        raisedAt: at,
      });
      this.#node.events.emit('alarm', { kind: handlingAlarmKind, message: a.text, channel: a.channel });
    }
    for (const alarm of clear) await store.clearAlarm(alarm.id, at);
    return { raised: raise.length, cleared: clear.length };
  }

  #enqueue(): void {
    if (this.#waiting) return; // a check not yet started will see everything this one would
    this.#waiting = true;
    this.#queue = this.#queue
      .then(() => {
        this.#waiting = false;
        return this.check();
      })
      .then(
        () => {},
        (error) => {
          if (!isParleyError(error, 'PARLEY_E_UNKNOWN_CHANNEL'))
            this.#o.log.warn({ err: String(error) }, 'handling-target check failed');
        },
      );
  }
}
