/**
 * Notifications in the charter's fixed formats: the data is validated by the
 * format's JSON Schema (draft 2020-12); each other member acknowledges it
 * within the format's `ackWithinHours`. Pure but for the compiled-schema cache.
 */
import { createRequire } from 'node:module';
import type { Charter } from '@parley/contract';
import type { RecordEntry } from './record-view.js';
import { short } from './rule-error.js';

const require = createRequire(import.meta.url);

interface ErrorObject {
  instancePath: string;
  message?: string;
}
interface ValidateFn {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
interface AjvLike {
  compile(schema: unknown): ValidateFn;
}

let ajv: AjvLike | undefined;
const compiled = new Map<string, ValidateFn>();
/** Schemas Ajv refused, and why (so a refused schema is not recompiled on every fold). */
const broken = new Map<string, string>();

function validator(format: { schema: unknown }): ValidateFn {
  const key = JSON.stringify(format.schema);
  let fn = compiled.get(key);
  if (!fn) {
    if (!ajv) {
      const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: new (o: object) => AjvLike };
      const addFormats = require('ajv-formats') as (a: AjvLike) => void;
      // No logger: an unknown format in a charter's schema is ignored, not printed on every fold.
      ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: true, logger: false });
      addFormats(ajv);
    }
    fn = ajv.compile(format.schema);
    compiled.set(key, fn);
  }
  return fn;
}

/**
 * Why Ajv cannot compile a format's schema, or null. The charter's shape check
 * (contract json-schema-shape.ts) lets through what Ajv refuses, e.g. a `$ref`
 * to a remote document; a peer may put such a schema in a charter-amend.
 */
export function formatSchemaProblem(format: { schema: unknown }): string | null {
  const key = JSON.stringify(format.schema);
  const known = broken.get(key);
  if (known !== undefined) return known;
  try {
    validator(format);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    broken.set(key, reason);
    return reason;
  }
}

/**
 * Null when `data` fits the format's schema, else `{ path, reason }` of the
 * first failure. A schema that does not compile fits no data (it never
 * throws: the fold reads peers' entries and must not stop on one).
 */
export function formatProblem(format: { schema: unknown }, data: unknown): { path: string; reason: string } | null {
  const broken = formatSchemaProblem(format);
  if (broken !== null) return { path: 'format', reason: `its schema does not compile (${broken})` };
  const fn = validator(format);
  if (fn(data)) return null;
  const first = fn.errors?.[0];
  const path = `data${(first?.instancePath ?? '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.')}`;
  return { path, reason: first?.message ?? 'does not match the format' };
}

export interface NotificationView {
  id: string;
  author: string;
  time: string;
  format: string;
  language: string;
  data: Record<string, unknown>;
  ackDeadline?: string;
  acks: Array<{ entry: string; by: string; person: string; time: string; late: boolean }>;
  /** Members who have not acknowledged it yet. */
  awaiting: string[];
  /** Its ack deadline passed with some member not acknowledging in time (never for a flagged one). */
  overdue: boolean;
  invalid?: string;
}

export interface NotificationsState {
  members: string[];
  items: Map<string, Omit<NotificationView, 'awaiting' | 'overdue'>>;
}

export function newNotifications(members: string[]): NotificationsState {
  return { members, items: new Map() };
}

export function checkNotificationEntry(s: NotificationsState, e: RecordEntry, charter: Charter): string | null {
  const b = (e.body ?? {}) as Record<string, unknown>;
  if (e.type === 'notification') {
    const format = charter.notificationFormats.find((f) => f.id === b.format);
    if (!format) return `the charter has no notification format ${String(b.format)}`;
    const problem = formatProblem(format, b.data);
    return problem ? `${problem.path}: ${problem.reason} (format ${format.id})` : null;
  }
  if (e.type !== 'notification-ack') return null;
  const n = s.items.get(b.notification as string);
  if (!n) return `${short(b.notification as string)} is not a notification in this channel`;
  if (n.author === e.author) return `${e.author} sent notification ${short(n.id)}: the other members acknowledge it`;
  if (n.acks.some((a) => a.by === e.author)) return `${e.author} already acknowledged notification ${short(n.id)}`;
  return null;
}

export function applyNotificationEntry(
  s: NotificationsState,
  e: RecordEntry,
  charter: Charter,
  invalid?: string,
): void {
  const b = (e.body ?? {}) as Record<string, unknown>;
  if (e.type === 'notification') {
    const format = charter.notificationFormats.find((f) => f.id === b.format);
    const ackDeadline = format
      ? new Date(Date.parse(e.time) + format.ackWithinHours * 3_600_000).toISOString()
      : undefined;
    s.items.set(e.id, {
      id: e.id,
      author: e.author,
      time: e.time,
      format: b.format as string,
      language: b.language as string,
      data: b.data as Record<string, unknown>,
      ...(ackDeadline ? { ackDeadline } : {}),
      acks: [],
      ...(invalid !== undefined ? { invalid } : {}),
    });
    return;
  }
  if (e.type !== 'notification-ack' || invalid !== undefined) return;
  const n = s.items.get(b.notification as string);
  if (!n) return;
  n.acks.push({
    entry: e.id,
    by: e.author,
    person: b.by as string,
    time: e.time,
    late: n.ackDeadline !== undefined && e.time > n.ackDeadline,
  });
}

export function notificationViews(s: NotificationsState, now: string): NotificationView[] {
  return [...s.items.values()].map((n) => {
    const awaiting = s.members.filter((m) => m !== n.author && !n.acks.some((a) => a.by === m));
    // A notification the rules flag (not in a charter format) owes no acknowledgement: no overdue alarm.
    const overdue =
      n.invalid === undefined &&
      n.ackDeadline !== undefined &&
      now > n.ackDeadline &&
      s.members.some((m) => m !== n.author && !n.acks.some((a) => a.by === m && !a.late));
    return { ...n, awaiting, overdue };
  });
}
