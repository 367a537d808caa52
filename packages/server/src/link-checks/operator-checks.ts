/**
 * Operator link checks: a person on one side asks "is anyone on watch?", and
 * a person on the other side answers. Node checks are the node's own (answered
 * by node/automation.ts); these are the people's. Unanswered with the link
 * healthy is political silence, unanswered with the link down is technical —
 * the same rule as metrics/link-metrics.ts (decision 0011), per check.
 */
import { randomBytes } from 'node:crypto';
import { ParleyError, parseBody } from '@parley/contract';
import { type JsonValue, toBase64url } from '@parley/record';
import type { Acted } from '../engagement/act.js';
import { ruleError, short } from '../engagement/rule-error.js';
import { type Person, requirePermission } from '../hotline/person.js';
import type { MetricEntry } from '../metrics/engagement-metrics.js';
import { loadMetricEntries, rowToMetricEntry } from '../metrics/load.js';
import type { ParleyNode } from '../node/node.js';
import type { Store } from '../store/store.js';

/** The entry types a person writes here (through `act` or the console API). */
export const operatorCheckTypes = new Set(['link-check', 'link-check-answer']);

export type CheckState = 'pending' | 'answered' | 'answered-late' | 'unanswered';

export interface OperatorCheckView {
  id: string;
  /** The party that sent the check… */
  author: string;
  /** …and the parties expected to answer it (every other member). */
  answerers: string[];
  /** 'in': this node's people must answer it; 'out': this node sent it. */
  direction: 'in' | 'out';
  time: string;
  deadline: string;
  answerWithinSeconds: number;
  /** Seconds since the check was written, on the node's clock. */
  ageSeconds: number;
  /**
   * pending: no answer, the window is open; answered: by a person within the
   * window; answered-late: after it; unanswered: the window closed with no answer.
   */
  state: CheckState;
  /** The first answer by a person (any time). */
  answer?: { id: string; author: string; by: string; time: string; inTime: boolean };
  /**
   * Whether the answerers' nodes held the check within its window (so far,
   * while pending): their own signed heads reached it. True with no answer is
   * political silence; false is a link that was down.
   */
  linkUp: boolean;
  /** When the first answerer's node acknowledged holding it (its entry's time), if it did. */
  storedAt?: string;
  /** The unanswered reading: 'political' (link up) or 'technical' (link down); absent unless unanswered. */
  silence?: 'political' | 'technical';
}

interface CheckBody {
  kind?: string;
  nonce?: string;
  answerWithinSeconds?: number;
}
interface AnswerBody {
  check?: string;
  nonce?: string;
  by?: string;
}

/**
 * Every operator check of a channel as `self` sees it, newest first. Pure.
 * `members` are the channel's members; `entries` its record with heads.
 */
export function operatorCheckViews(
  self: string,
  members: readonly string[],
  entries: readonly MetricEntry[],
  now: string,
): OperatorCheckView[] {
  const feeds = new Map<string, MetricEntry[]>();
  const answers = new Map<string, MetricEntry[]>();
  for (const e of entries) {
    const feed = feeds.get(e.author);
    if (feed) feed.push(e);
    else feeds.set(e.author, [e]);
    if (e.type !== 'link-check-answer') continue;
    const body = (e.body ?? {}) as AnswerBody;
    if (body.by === 'node' || typeof body.check !== 'string') continue;
    const list = answers.get(body.check);
    if (list) list.push(e);
    else answers.set(body.check, [e]);
  }
  for (const feed of feeds.values()) feed.sort((a, b) => a.seq - b.seq);
  const nowMs = Date.parse(now);
  const out: OperatorCheckView[] = [];
  for (const check of entries) {
    const body = (check.body ?? {}) as CheckBody;
    if (check.type !== 'link-check' || body.kind !== 'operator') continue;
    const within = body.answerWithinSeconds ?? 0;
    const deadline = new Date(Date.parse(check.time) + within * 1000).toISOString();
    const answerers = members.filter((m) => m !== check.author);
    const answer = (answers.get(check.id) ?? [])
      .filter((a) => answerers.includes(a.author) && (a.body as AnswerBody).nonce === body.nonce)
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))[0];
    const inTime = answer !== undefined && answer.time <= deadline;
    const open = deadline > now;
    const state: CheckState = inTime ? 'answered' : answer ? 'answered-late' : open ? 'pending' : 'unanswered';
    // Held within the window (or by now, while it is open) by every answerer's node.
    const by = open ? now : deadline;
    const stored = answerers.map((a) => storedAt(feeds.get(a) ?? [], check.author, check.seq));
    const linkUp = stored.length > 0 && stored.every((t) => t !== undefined && t <= by);
    const first = stored.filter((t): t is string => t !== undefined).sort()[0];
    out.push({
      id: check.id,
      author: check.author,
      answerers,
      direction: check.author === self ? 'out' : 'in',
      time: check.time,
      deadline,
      answerWithinSeconds: within,
      ageSeconds: Math.max(0, Math.floor((nowMs - Date.parse(check.time)) / 1000)),
      state,
      ...(answer
        ? {
            answer: {
              id: answer.id,
              author: answer.author,
              by: (answer.body as AnswerBody).by ?? '',
              time: answer.time,
              inTime,
            },
          }
        : {}),
      linkUp,
      ...(first !== undefined ? { storedAt: first } : {}),
      ...(state === 'unanswered' ? { silence: linkUp ? ('political' as const) : ('technical' as const) } : {}),
    });
  }
  return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
}

/** The time of the first entry of `feed` whose heads reach `author`'s seq `seq` (heads only grow along a feed). */
function storedAt(feed: readonly MetricEntry[], author: string, seq: number): string | undefined {
  let lo = 0;
  let hi = feed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((feed[mid]!.heads?.[author] ?? 0) >= seq) hi = mid;
    else lo = mid + 1;
  }
  return feed[lo]?.time;
}

// Per store and channel: the record read so far and each feed's head. Feeds only grow (a fork is
// never stored), so a later read adds each feed's entries after the cached seq.
const records = new WeakMap<Store, Map<string, { seqs: Record<string, number>; entries: MetricEntry[] }>>();

/** The channel's record with heads, read once and then grown feed by feed (the alarm asks every few seconds). */
async function recordOf(store: Store, channel: string): Promise<MetricEntry[]> {
  const byChannel = records.get(store) ?? new Map<string, { seqs: Record<string, number>; entries: MetricEntry[] }>();
  records.set(store, byChannel);
  const heads = await store.heads(channel);
  let cached = byChannel.get(channel);
  if (!cached) {
    cached = { seqs: {}, entries: await loadMetricEntries(store, channel) };
    for (const e of cached.entries) cached.seqs[e.author] = Math.max(cached.seqs[e.author] ?? 0, e.seq);
    byChannel.set(channel, cached);
  }
  for (const [author, head] of Object.entries(heads)) {
    for (let seq = (cached.seqs[author] ?? 0) + 1; seq <= head.seq; ) {
      const page = await store.range(channel, author, seq, Math.min(1000, head.seq - seq + 1));
      if (page.length === 0) break;
      for (const row of page) cached.entries.push(rowToMetricEntry(row));
      seq = page[page.length - 1]!.seq + 1;
      cached.seqs[author] = seq - 1;
    }
  }
  return cached.entries;
}

/** The operator checks of one channel as this node holds its record. */
export async function listOperatorChecks(node: ParleyNode, channel: string): Promise<OperatorCheckView[]> {
  const state = await node.channel(channel);
  const members = state.charter.members.map((m) => m.id);
  return operatorCheckViews(node.party, members, await recordOf(node.store, channel), node.now());
}

/**
 * A person sends an operator link check (needs messages.draft: the operator
 * on duty). The kind is 'operator'; the nonce is drawn here; the answer window
 * is the charter's unless given.
 */
export async function sendOperatorCheck(
  node: ParleyNode,
  channel: string,
  input: Record<string, unknown>,
  by: Person,
): Promise<Acted> {
  requirePermission(by, 'messages.draft', 'send an operator link check');
  const state = await node.channel(channel);
  const body = parseBody('link-check', {
    kind: 'operator',
    nonce: toBase64url(randomBytes(16)),
    answerWithinSeconds: state.charter.linkChecks.answerWithinMinutes * 60,
    ...input,
  }) as CheckBody;
  if (body.kind !== 'operator')
    throw ruleError('link-check', 'node link checks are written by the node on the charter schedule, not by a person');
  const { id, entry } = await node.append(channel, { type: 'link-check', body: body as unknown as JsonValue });
  return { id, seq: entry.header.seq, time: entry.header.time, type: 'link-check' };
}

// One answer at a time per node, so two people never both answer the same check.
const answering = new WeakMap<ParleyNode, Promise<unknown>>();

/**
 * A person answers another party's operator link check (needs messages.ack:
 * the operator on duty). `by` is the person; the nonce is the check's. A check
 * this node already answered, its own check, or a node check is refused.
 * A late answer is written (the record shows it late).
 */
export async function answerOperatorCheck(
  node: ParleyNode,
  channel: string,
  input: Record<string, unknown>,
  by: Person,
): Promise<Acted & { late: boolean }> {
  requirePermission(by, 'messages.ack', 'answer an operator link check');
  await node.channel(channel);
  const check = input.check;
  if (typeof check !== 'string')
    throw new ParleyError('PARLEY_E_SCHEMA', {
      type: 'link-check-answer',
      path: 'check',
      reason: 'the id of the link check answered',
    });
  const run = (answering.get(node) ?? Promise.resolve()).then(async () => {
    const row = await node.store.getEntryById(check);
    if (!row || row.channel !== channel || row.type !== 'link-check')
      throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'link check', id: check });
    const checkBody = JSON.parse(row.body) as CheckBody;
    const refuse = (reason: string) => ruleError('link-check-answer', reason);
    if (checkBody.kind !== 'operator')
      throw refuse(`link check ${short(check)} is a node check: the node answers it by itself`);
    if (row.author === node.party)
      throw refuse(`link check ${short(check)} is this party's own: the other side answers it`);
    if (input.by !== undefined && input.by !== by.user)
      throw refuse(
        `an operator check is answered in the name of the person answering (${by.user}), not ${String(input.by)}`,
      );
    if (input.nonce !== undefined && input.nonce !== checkBody.nonce)
      throw refuse(`the nonce is not link check ${short(check)}'s`);
    const views = await listOperatorChecks(node, channel);
    const view = views.find((v) => v.id === check);
    if (view?.answer && view.answer.author === node.party)
      throw refuse(`link check ${short(check)} was answered already, by ${view.answer.by} at ${view.answer.time}`);
    const body = parseBody('link-check-answer', { check, nonce: checkBody.nonce, by: by.user });
    const { id, entry } = await node.append(channel, {
      type: 'link-check-answer',
      body: body as unknown as JsonValue,
      refs: [check],
    });
    const late = view !== undefined && entry.header.time > view.deadline;
    return { id, seq: entry.header.seq, time: entry.header.time, type: 'link-check-answer', late };
  });
  answering.set(
    node,
    run.catch(() => undefined),
  );
  return run;
}

/** `act` with type link-check or link-check-answer: a person's operator link check or answer. */
export function actOperatorCheck(
  node: ParleyNode,
  channel: string,
  type: string,
  input: unknown,
  by: Person,
): Promise<Acted> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ParleyError('PARLEY_E_SCHEMA', { type, path: '', reason: 'a body is a JSON object' });
  const body = input as Record<string, unknown>;
  return type === 'link-check'
    ? sendOperatorCheck(node, channel, body, by)
    : answerOperatorCheck(node, channel, body, by);
}
