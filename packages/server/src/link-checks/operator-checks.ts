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
import { rowToMetricEntry } from '../metrics/load.js';
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
  for (const e of entries) {
    const feed = feeds.get(e.author);
    if (feed) feed.push(e);
    else feeds.set(e.author, [e]);
  }
  for (const feed of feeds.values()) feed.sort((a, b) => a.seq - b.seq);
  return checkViews(self, members, entries, now, (check, answerer) =>
    storedAt(feeds.get(answerer) ?? [], check.author, check.seq),
  );
}

/**
 * The views from the channel's link-check and link-check-answer entries (others are ignored)
 * and `stored`: when `answerer`'s feed first had heads reaching `check` (its entry's time).
 */
function checkViews(
  self: string,
  members: readonly string[],
  entries: readonly MetricEntry[],
  now: string,
  stored: (check: MetricEntry, answerer: string) => string | undefined,
): OperatorCheckView[] {
  const answers = new Map<string, MetricEntry[]>();
  for (const e of entries) {
    if (e.type !== 'link-check-answer') continue;
    const body = (e.body ?? {}) as AnswerBody;
    if (body.by === 'node' || typeof body.check !== 'string') continue;
    const list = answers.get(body.check);
    if (list) list.push(e);
    else answers.set(body.check, [e]);
  }
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
    const heldAt = answerers.map((a) => stored(check, a));
    const linkUp = heldAt.length > 0 && heldAt.every((t) => t !== undefined && t <= by);
    const first = heldAt.filter((t): t is string => t !== undefined).sort()[0];
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

/**
 * What the list needs of a channel's record, grown as entries stream by and
 * then dropped: the link-check and link-check-answer entries, and for each
 * operator check the time each other feed first had heads reaching it. So it
 * holds O(checks + feeds²) items, not the record.
 */
interface CheckIndex {
  /** Per feed, the last seq streamed. */
  seqs: Record<string, number>;
  /** Operator link checks and people's answers, with bodies. */
  entries: MetricEntry[];
  /** Per author, its operator checks in seq order. */
  checks: Map<string, MetricEntry[]>;
  /** Per feed A, per author X: the last heads[X] A's feed showed, and how many of X's checks A reached. */
  reach: Map<string, Map<string, { head: number; done: number }>>;
  /** Per check id, per feed: the time of that feed's first entry whose heads reached the check. */
  stored: Map<string, Map<string, string>>;
}

// Per store and channel. Feeds only grow (a fork is never stored), so a later read adds each feed's entries after the cached seq.
const indexes = new WeakMap<Store, Map<string, Promise<CheckIndex | undefined>>>();

/** How many items the cache holds for a channel (tests: it grows with checks, not with the record). */
export async function operatorCheckCacheSize(store: Store, channel: string): Promise<number> {
  const index = await indexes.get(store)?.get(channel);
  if (!index) return 0;
  let n = index.entries.length + Object.keys(index.seqs).length;
  for (const list of index.checks.values()) n += list.length;
  for (const m of index.reach.values()) n += m.size;
  for (const m of index.stored.values()) n += m.size;
  return n;
}

/** The first entry of `author`'s feed (up to `upTo`) whose heads reach `of`'s seq `seq`, read from the store by bisection. */
async function firstReaching(
  store: Store,
  channel: string,
  author: string,
  upTo: number,
  of: string,
  seq: number,
): Promise<string | undefined> {
  let lo = 1;
  let hi = upTo + 1;
  let time: string | undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const [row] = await store.range(channel, author, mid, 1);
    if (!row) return time;
    const e = rowToMetricEntry(row);
    if ((e.heads?.[of] ?? 0) >= seq) {
      hi = mid;
      time = e.time;
    } else lo = mid + 1;
  }
  return time;
}

/**
 * The index of the record up to `heads`, read without reading the record:
 * the link checks and their answers by type, each feed's last heads from its
 * head entry, and each check's first reaching entry per feed by bisection
 * (heads only grow along a feed). It equals what streaming every entry
 * through addEntry builds — which a node did at every start, reading its
 * whole record — and grows the same way.
 */
async function freshIndex(store: Store, channel: string, heads: Record<string, { seq: number }>): Promise<CheckIndex> {
  const index: CheckIndex = { seqs: {}, entries: [], checks: new Map(), reach: new Map(), stored: new Map() };
  const upTo = (row: { author: string; seq: number }) => row.seq <= (heads[row.author]?.seq ?? 0);
  for (const row of await store.entriesOfType(channel, 'link-check')) {
    const e = rowToMetricEntry(row);
    if (!upTo(e) || (e.body as CheckBody | undefined)?.kind !== 'operator') continue;
    index.entries.push(e);
    const list = index.checks.get(e.author) ?? [];
    index.checks.set(e.author, list);
    list.push(e);
    index.stored.set(e.id, new Map());
  }
  for (const row of await store.entriesOfType(channel, 'link-check-answer')) {
    const e = rowToMetricEntry(row);
    const body = (e.body ?? {}) as AnswerBody;
    if (upTo(e) && body.by !== 'node' && typeof body.check === 'string') index.entries.push(e);
  }
  for (const [feed, head] of Object.entries(heads)) {
    index.seqs[feed] = head.seq;
    const reach = new Map<string, { head: number; done: number }>();
    index.reach.set(feed, reach);
    const last = await store.getEntry(channel, feed, head.seq);
    if (!last) continue;
    for (const [of, reached] of Object.entries(rowToMetricEntry(last).heads ?? {})) {
      if (of === feed) continue;
      const list = index.checks.get(of) ?? [];
      let done = 0;
      while (done < list.length && list[done]!.seq <= reached) {
        const check = list[done++]!;
        const time = await firstReaching(store, channel, feed, head.seq, of, check.seq);
        if (time !== undefined) index.stored.get(check.id)!.set(feed, time);
      }
      reach.set(of, { head: reached, done });
    }
  }
  return index;
}

/** Adds one entry (each feed's in seq order) to the index. */
async function addEntry(store: Store, channel: string, index: CheckIndex, e: MetricEntry): Promise<void> {
  index.seqs[e.author] = e.seq;
  const reach = index.reach.get(e.author) ?? new Map<string, { head: number; done: number }>();
  index.reach.set(e.author, reach);
  // This feed's heads reaching other authors' checks it had not reached yet.
  for (const [of, head] of Object.entries(e.heads ?? {})) {
    if (of === e.author) continue;
    const r = reach.get(of) ?? { head: 0, done: 0 };
    reach.set(of, r);
    if (head <= r.head) continue;
    r.head = head;
    const list = index.checks.get(of) ?? [];
    while (r.done < list.length && list[r.done]!.seq <= head) {
      const check = list[r.done++]!;
      const stored = index.stored.get(check.id) ?? new Map<string, string>();
      index.stored.set(check.id, stored);
      if (!stored.has(e.author)) stored.set(e.author, e.time);
    }
  }
  // Only what the views read: operator checks and people's answers (node checks and node answers are not listed).
  if (e.type === 'link-check-answer') {
    const body = (e.body ?? {}) as AnswerBody;
    if (body.by !== 'node' && typeof body.check === 'string') index.entries.push(e);
    return;
  }
  if (e.type !== 'link-check' || (e.body as CheckBody | undefined)?.kind !== 'operator') return;
  index.entries.push(e);
  const list = index.checks.get(e.author) ?? [];
  index.checks.set(e.author, list);
  list.push(e);
  const stored = new Map<string, string>();
  index.stored.set(e.id, stored);
  // Feeds streamed already past this check (read before it): find their first entry reaching it in the store.
  for (const [feed, byAuthor] of index.reach) {
    if (feed === e.author) continue;
    const r = byAuthor.get(e.author);
    if (!r || r.head < e.seq) continue;
    r.done = list.length;
    const time = await firstReaching(store, channel, feed, index.seqs[feed] ?? 0, e.author, e.seq);
    if (time !== undefined) stored.set(feed, time);
  }
}

/** The channel's check index, read once (streamed, not held) and then grown feed by feed (the alarm asks every few seconds). */
function indexOf(store: Store, channel: string): Promise<CheckIndex> {
  const byChannel = indexes.get(store) ?? new Map<string, Promise<CheckIndex | undefined>>();
  indexes.set(store, byChannel);
  // One reader at a time per channel (the alarm and the console API may ask together); a failed read is retried next time.
  const previous = byChannel.get(channel);
  const next = (previous ?? Promise.resolve(undefined)).then((index) => grow(store, channel, index));
  byChannel.set(
    channel,
    next.catch(() => previous ?? Promise.resolve(undefined)),
  );
  return next;
}

async function grow(store: Store, channel: string, known: CheckIndex | undefined): Promise<CheckIndex> {
  const heads = await store.heads(channel);
  const index = known ?? (await freshIndex(store, channel, heads));
  for (const [author, head] of Object.entries(heads)) {
    for (let seq = (index.seqs[author] ?? 0) + 1; seq <= head.seq; ) {
      const page = await store.range(channel, author, seq, Math.min(1000, head.seq - seq + 1));
      if (page.length === 0) break;
      for (const row of page) await addEntry(store, channel, index, rowToMetricEntry(row));
      seq = page[page.length - 1]!.seq + 1;
    }
  }
  return index;
}

/** The operator checks of one channel as this node holds its record. */
export async function listOperatorChecks(node: ParleyNode, channel: string): Promise<OperatorCheckView[]> {
  const state = await node.channel(channel);
  const members = state.charter.members.map((m) => m.id);
  const index = await indexOf(node.store, channel);
  // In store order (author, seq), as a fresh read gives them, so checks of the same time list the same way whatever was cached.
  const entries = [...index.entries].sort((a, b) =>
    a.author < b.author ? -1 : a.author > b.author ? 1 : a.seq - b.seq,
  );
  return checkViews(node.party, members, entries, node.now(), (check, answerer) =>
    index.stored.get(check.id)?.get(answerer),
  );
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
