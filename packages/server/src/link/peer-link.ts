import type { Agent } from 'node:https';
import {
  heartbeatResponseSchema,
  isParleyError,
  limits,
  linkPrefix,
  type ParleyError,
  pullResponseSchema,
  pushResponseSchema,
} from '@parley/contract';
import type { Logger } from 'pino';
import { parseWith } from '../http/errors.js';
import type { AppendedEvent } from '../node/events.js';
import type { ParleyNode } from '../node/node.js';
import type { StoredEntryRow } from '../store/store.js';
import { Backoff, Waker } from './backoff.js';
import { linkRequest, peerError, refusalOf } from './http-client.js';
import { type EndpointStatus, newEndpoint, recordFailure, recordSuccess } from './link-state.js';
import type { RecentRows } from './recent-rows.js';
import { entriesJson } from './wire.js';

export interface PeerLinkOptions {
  node: ParleyNode;
  peer: string;
  endpoints: string[];
  agent: Agent;
  log: Logger;
  heartbeatMs: number;
  /** Told of each heartbeat answer: which channels the peer holds active (for charter offers). */
  onHeartbeat?: (peer: string, channels: string[]) => void;
  requestTimeoutMs?: number;
  maxBackoffMs?: number;
  /**
   * The push loop looks through the store for anything pending at least this
   * often (default 1000 ms), whatever it was handed meanwhile: rows another
   * process wrote, receipts whose grace ran out.
   */
  lookEveryMs?: number;
  /** Rows just written, shared by the node's links: a batch found there is not read from the store. */
  recent?: RecentRows;
}

/** What an `appended` event says of the rows just written (node/events.ts). */
type Appended = Pick<AppendedEvent, 'channel' | 'author' | 'fromSeq' | 'toSeq' | 'rows'>;

interface Batch {
  channel: string;
  author: string;
  rows: StoredEntryRow[];
  rank: number;
  /** As many entries as one request takes: there is a backlog. */
  full: boolean;
}

/**
 * Refusals of a push that concern the whole link, not the feed pushed: the
 * link backs off (and retries) as on any failure. Any other catalogued
 * refusal holds back only the feed (PeerLink#hold).
 */
const LINK_WIDE = new Set<string>([
  'PARLEY_E_RATE_LIMIT',
  'PARLEY_E_STOPPING',
  'PARLEY_E_INTERNAL',
  'PARLEY_E_IO',
  'PARLEY_E_TIMEOUT',
  'PARLEY_E_UNAUTHENTICATED',
  'PARLEY_E_TLS_PIN',
  'PARLEY_E_USAGE',
]);

/** Batches pushed to one peer at once. */
const PIPELINE = 2;

/** The least time between two reads of the channel list for channels a heartbeat answer names (#shared). */
const SHARED_LIST_MS = 5000;

const batchKey = (batch: Batch) => `${batch.channel}/${batch.author}`;

const RANK: Record<string, number> = { FLASH: 0, IMMEDIATE: 1, PRIORITY: 2, ROUTINE: 3 };
const OTHER_RANK = 4;

/**
 * Everything this node does towards one peer: pushes what the peer lacks
 * (own and relayed entries, most urgent first, batched under backlog), pulls
 * what it lacks from the peer, and keeps heartbeats per endpoint, failing over
 * in order and returning to the primary when it answers again.
 */
export class PeerLink {
  readonly peer: string;
  readonly endpoints: EndpointStatus[];
  readonly #o: PeerLinkOptions;
  readonly #backoff: Backoff;
  readonly #waker = new Waker();
  readonly #beat = new Waker();
  /** What the peer is known to hold: channel → author → seq (from its answers and signed heads). */
  readonly #known = new Map<string, Map<string, number>>();
  #active = 0;
  #stopped = false;
  #loops: Promise<void>[] = [];
  #pulling = false;
  /** Entries were written (poke) since the push loop last looked for a batch. */
  #dirty = true;
  /** The push loop waits out a backoff after a failure (see poke). */
  #backingOff = false;
  /** Our head of each feed at the previous heartbeat, to tell a stalled feed from one being pushed. */
  readonly #lastHave = new Map<string, number>();
  /**
   * Aborted when the line comes back after failures: requests begun while it
   * was dead may wait on connections that are gone (a blackhole sends no RST)
   * until their timeout; they are abandoned and retried at once instead.
   */
  #stale = new AbortController();
  /** Pushes under way: `channel/author` → the highest seq sent and not yet answered. */
  readonly #sending = new Map<string, number>();
  /**
   * Own receipts handed to the peer in the answer to its push: `channel/author`
   * → the seq and until when it is taken as delivered. The peer's next heads
   * (a heartbeat, a push answer) confirm it; if they have not by then, it is
   * pushed like anything else.
   */
  readonly #handed = new Map<string, { seq: number; until: number }>();
  /** The push loop waits for work (nothing in flight, no failure pending). */
  #idle = false;
  /** When the push loop last looked through the store for a batch (#nextBatch). */
  #lookedAt = 0;
  /**
   * A batch taken from an `appended` event while the loop was idle (see
   * #takeAppended): pushed without looking through the store for it.
   */
  #ready: Batch | undefined;
  /**
   * Feeds a push answer found the peer lacking (PARLEY_E_GAP): no further
   * push of theirs joins one in flight, so that once every push out is
   * answered the next starts from the peer's head, instead of the pipeline
   * running on through the backlog with pushes the peer refuses as well.
   */
  readonly #resuming = new Set<string>();
  /**
   * Feeds (`channel/author`) whose pushes the peer refuses for a reason of
   * their own (its own feed in the channel is behind, a fork, a signature it
   * will not take…; not a refusal of the whole link, see LINK_WIDE): held
   * back, each on its own capped backoff, while the link goes on with the
   * other feeds and channels (decision 0028).
   */
  readonly #held = new Map<
    string,
    { channel: string; author: string; backoff: Backoff; until: number; code: string; since: number }
  >();
  /** Per channel, whether the peer is a member, as the last look through the store found. */
  readonly #members = new Map<string, boolean>();
  /** When #shared last read the channel list (ms since the epoch). */
  #listedAt = 0;
  /**
   * Settled once the first heartbeat is answered (its heads noted as claims
   * on our feed first), or has failed at every endpoint, or when the
   * heartbeat's deadline has passed: what `parley serve` holds our own
   * signing for at its start (decision 0035).
   */
  readonly firstHeartbeat: Promise<void>;
  #heard: () => void = () => undefined;
  /** Endpoints whose heartbeat has failed (see firstHeartbeat: all of them failing settles it). */
  readonly #unheard = new Set<number>();
  /** Whether any heartbeat has been answered since the link started. */
  #answered = false;
  sent = 0;
  /** Times the push loop looked through the store for a batch (for tests). */
  looks = 0;
  /** Pushes the peer answered PARLEY_E_GAP (it lacked what came before): resumed from its head each time. */
  gaps = 0;
  /** Pushes the peer refused with a catalogued error (other than a gap or a rate limit): their channel was held back. */
  refusals = 0;

  constructor(options: PeerLinkOptions) {
    this.#o = options;
    this.peer = options.peer;
    this.endpoints = options.endpoints.map(newEndpoint);
    this.#backoff = new Backoff(100, options.maxBackoffMs ?? 3000);
    this.firstHeartbeat = new Promise<void>((resolve) => {
      this.#heard = resolve;
    });
  }

  start(): void {
    // Each endpoint's first heartbeat has its own deadline (they are tried in turn, see #heartbeatLoop);
    // this also ends a hold kept by anything after them (a stuck store). A second shorter than a
    // request of ours waits for its answer, which is what a peer's push waits too.
    const bound = setTimeout(
      () => this.#heard(),
      Math.min((this.#o.requestTimeoutMs ?? 10_000) - 1000, this.#heartbeatDeadlineMs * this.endpoints.length),
    );
    bound.unref();
    void this.firstHeartbeat.then(() => clearTimeout(bound));
    this.#loops = [this.#pushLoop(), this.#heartbeatLoop()];
  }

  /** Stops after in-flight requests finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#heard();
    this.#waker.wake();
    this.#beat.wake();
    await Promise.allSettled(this.#loops);
  }

  /**
   * New entries to send, or the peer showed life: try now. `appended`, the
   * rows just written, may go out as they are if the loop is idle.
   */
  poke(appended?: Appended): void {
    this.#dirty = true;
    if (appended) this.#takeAppended(appended);
    // Not while backing off: new entries do not make the peer reachable, and
    // each retry reads a batch from the store (hundreds of reads while a peer
    // was down and entries were written). A sign of life ends the wait.
    if (!this.#backingOff) this.#waker.wake();
  }

  /**
   * Any sign of life from the peer resets the backoff, and ends the wait of a
   * push loop that was backing off. An idle loop is left alone: a request from
   * the peer is no news for it, and waking it costs the request a store scan.
   */
  contact(): void {
    if (this.#backoff.failures === 0) return;
    this.#backoff.reset();
    this.#waker.wake();
  }

  /**
   * `author`'s entry `seq` went to the peer in the answer to its push (our
   * receipt of what it sent): not pushed again unless the peer's heads still
   * lack it after a grace of two heartbeats. Only that entry: what precedes
   * it is pushed as ever.
   */
  handedOver(channel: string, author: string, seq: number): void {
    const graceMs = Math.max(2000, 2 * this.#o.heartbeatMs);
    this.#handed.set(`${channel}/${author}`, { seq, until: Date.now() + graceMs });
  }

  /**
   * An idle loop's next batch, straight from the rows an `appended` event
   * carries, when they are all the peer lacks of their feed as far as this
   * link knows: the peer holds (or was handed) everything before them, the
   * channel is one the peer is a member of, and they fit one request. The
   * loop then pushes them without reading the store (listing the channels,
   * reading their heads: two reads on the way of every lone FLASH entry); once
   * the push is answered it looks through the store only if something was
   * written meanwhile, else when its wait next times out (which finds what
   * another process wrote). Anything else (a busy loop, rows not following
   * what the peer holds, a second feed before the loop woke) leaves the batch
   * to the look through the store, as before.
   */
  #takeAppended(e: Appended): void {
    const rows = e.rows;
    const key = `${e.channel}/${e.author}`;
    const known = this.#known.get(e.channel);
    let held = Math.max(known?.get(e.author) ?? 0, this.#sending.get(key) ?? 0);
    if (this.#handedSeq(key) === held + 1) held++;
    const ready = this.#ready;
    const follows = ready
      ? batchKey(ready) === key && ready.rows[ready.rows.length - 1]!.seq + 1 === e.fromSeq
      : held + 1 === e.fromSeq;
    if (
      !this.#idle ||
      this.#lookDue ||
      !rows ||
      rows.length !== e.toSeq - e.fromSeq + 1 ||
      e.author === this.peer ||
      !known ||
      this.#members.get(e.channel) !== true ||
      this.#heldBack(key) ||
      !follows
    ) {
      this.#ready = undefined;
      return;
    }
    const all = ready ? [...ready.rows, ...rows] : [...rows];
    if (all.length > limits.batchEntries || fit(all).length !== all.length) {
      this.#ready = undefined;
      return;
    }
    this.#ready = { channel: e.channel, author: e.author, rows: all, rank: Math.min(...all.map(rankOf)), full: false };
  }

  get #lookEveryMs(): number {
    return this.#o.lookEveryMs ?? 1000;
  }

  /** The last look through the store is as old as lookEveryMs: the loop looks now, whatever it was handed. */
  get #lookDue(): boolean {
    return Date.now() - this.#lookedAt >= this.#lookEveryMs;
  }

  /** The seq a push answer handed over in this feed, while its grace runs; else 0. */
  #handedSeq(key: string): number {
    const handed = this.#handed.get(key);
    if (!handed) return 0;
    if (handed.until >= Date.now()) return handed.seq;
    this.#handed.delete(key);
    return 0;
  }

  get state(): EndpointStatus['state'] {
    return this.endpoints[this.#active]?.state ?? 'DOWN';
  }

  get activeEndpoint(): string {
    return this.endpoints[this.#active]!.url;
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    endpoint = this.#active,
    signal = this.#stale.signal,
  ) {
    const timeoutMs = this.#o.requestTimeoutMs ?? 10_000;
    return linkRequest(this.#o.agent, this.endpoints[endpoint]!.url, method, path, body, timeoutMs, signal);
  }

  /**
   * A heartbeat is answered at once: waiting longer than a period for one
   * only hides a dead line. A deadline, not the socket's idle timeout (which
   * on a new connection runs twice over before it fires).
   */
  get #heartbeatDeadline(): AbortSignal {
    return AbortSignal.timeout(this.#heartbeatDeadlineMs);
  }

  get #heartbeatDeadlineMs(): number {
    return Math.min(this.#o.requestTimeoutMs ?? 10_000, Math.max(2000, this.#o.heartbeatMs));
  }

  /**
   * Pushes batches, up to PIPELINE at once under backlog (full batches): the
   * next batch goes out while the peer stores the previous one. The peer takes a channel's batches one at a
   * time in arrival order; answers (and their receipts) are taken in the
   * order the batches were sent. A failure lets the others finish, then
   * resumes from what the peer is known to hold.
   */
  async #pushLoop(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let failed: unknown;
    let previous: Promise<void> = Promise.resolve();
    // The last push was an idle loop's batch taken from an `appended` event,
    // answered, and nothing was written since: nothing new to look for until
    // the next look falls due (which finds what another process wrote).
    let quiet = false;
    while (!this.#stopped) {
      try {
        // With a push in flight, a second is looked for only under backlog (the
        // last batch was full) or if entries were written since the last look:
        // else the answer is awaited without reading the store (two reads
        // ahead of every lone FLASH's request).
        if (inFlight.size === 0) this.#resuming.clear(); // every push out was answered
        const look = inFlight.size === 0 ? this.#dirty || !quiet || this.#lookDue : this.#dirty;
        quiet = false;
        if (failed === undefined && inFlight.size < PIPELINE && look) {
          this.#dirty = false;
          const ready = this.#ready;
          this.#ready = undefined;
          const batch = ready && inFlight.size === 0 ? ready : await this.#nextBatch(inFlight.size > 0);
          if (batch?.full) this.#dirty = true;
          // A second push only under backlog: otherwise the next batch grows while the first is answered,
          // and fewer, larger batches cost fewer commits on both sides.
          if (batch && (inFlight.size === 0 || batch.full)) {
            this.#sending.set(batchKey(batch), batch.rows[batch.rows.length - 1]!.seq);
            const after = previous;
            const push: Promise<void> = this.#push(batch, after)
              .then(() => {
                this.#backoff.reset();
                if (batch === ready) quiet = true;
              })
              .catch((error: unknown) => {
                failed ??= error;
              })
              .finally(() => {
                inFlight.delete(push);
                if (this.#sending.get(batchKey(batch)) === batch.rows[batch.rows.length - 1]!.seq) {
                  this.#sending.delete(batchKey(batch));
                }
              });
            inFlight.add(push);
            previous = push;
            continue;
          }
        }
        if (inFlight.size > 0) {
          await Promise.race(inFlight);
          continue;
        }
        if (failed === undefined) {
          this.#idle = true;
          try {
            const look = this.#lookEveryMs - (Date.now() - this.#lookedAt);
            await this.#waker.wait(Math.max(1, Math.min(look, this.#nextReleaseMs())));
          } finally {
            this.#idle = false;
          }
          continue;
        }
        throw failed;
      } catch (error) {
        failed = undefined;
        this.#sending.clear();
        if (abandoned(error)) continue; // the line came back: retry now, on a fresh connection
        const wait = this.#backoff.fail();
        this.#o.log.debug({ peer: this.peer, err: String(error), wait }, 'push failed');
        if (!isParleyError(error)) this.#failover();
        this.#backingOff = true;
        try {
          await this.#waker.wait(wait);
        } finally {
          this.#backingOff = false;
        }
      }
    }
    await Promise.allSettled(inFlight);
  }

  /**
   * Of the channels the peer's answer names (hostile input), the active ones
   * it is a member of. Membership is kept from each look through the store
   * (every second or so); a channel not seen yet makes this read the channel
   * list, at most once every SHARED_LIST_MS whatever the peer names. A
   * channel whose state cannot be loaded is left out (and looked up again).
   */
  async #shared(channels: readonly string[]): Promise<string[]> {
    const unseen = channels.filter((id) => !this.#members.has(id));
    if (unseen.length > 0 && Date.now() - this.#listedAt >= SHARED_LIST_MS) {
      this.#listedAt = Date.now();
      const named = new Set(unseen);
      for (const row of await this.#o.node.store.listChannels()) {
        if (row.state !== 'active' || !named.has(row.id)) continue;
        try {
          this.#members.set(row.id, (await this.#o.node.channel(row.id)).members.includes(this.peer));
        } catch (error) {
          this.#o.log.warn({ peer: this.peer, channel: row.id, err: String(error) }, 'channel not loaded');
        }
      }
    }
    return channels.filter((id) => this.#members.get(id) === true);
  }

  async #known_(channel: string): Promise<Map<string, number>> {
    let known = this.#known.get(channel);
    if (!known) {
      known = new Map(Object.entries(await this.#o.node.store.peerHeads(channel, this.peer)));
      this.#known.set(channel, known);
    }
    return known;
  }

  #learn(channel: string, heads: Record<string, number>): void {
    const known = this.#known.get(channel) ?? new Map<string, number>();
    for (const [author, seq] of Object.entries(heads)) if (seq > (known.get(author) ?? 0)) known.set(author, seq);
    this.#known.set(channel, known);
  }

  /**
   * The most urgent pending run of one feed the peer lacks, or undefined.
   * With `fullOnly` (a push is in flight), only feeds with a full batch
   * pending are read: the others wait for the answer, and are not read in
   * vain while they do.
   */
  async #nextBatch(fullOnly = false): Promise<Batch | undefined> {
    this.looks++;
    this.#lookedAt = Date.now();
    const { store } = this.#o.node;
    let best: Batch | undefined;
    for (const row of await store.listChannels()) {
      if (row.state !== 'active') continue;
      const channel = await this.#o.node.channel(row.id);
      const member = channel.members.includes(this.peer);
      this.#members.set(row.id, member);
      if (!member) continue;
      const known = await this.#known_(row.id);
      for (const [author, head] of Object.entries(await store.heads(row.id))) {
        const key = `${row.id}/${author}`;
        let held = Math.max(known.get(author) ?? 0, this.#sending.get(key) ?? 0);
        // A receipt handed over in a push answer is skipped only where the
        // peer holds (or is being sent) everything before it: else it comes
        // again with what precedes it.
        if (this.#handedSeq(key) === held + 1) held++;
        const from = held + 1;
        if (author === this.peer) continue;
        if (head.seq < from) {
          this.#release(key); // the peer holds all of it (pulled, say): nothing left to refuse
          continue;
        }
        if (this.#heldBack(key)) continue;
        if (fullOnly && (head.seq - from + 1 < limits.batchEntries || this.#resuming.has(key))) continue;
        const to = Math.min(head.seq, from + limits.batchEntries - 1);
        const fetched =
          this.#o.recent?.range(row.id, author, from, to) ??
          (await store.range(row.id, author, from, limits.batchEntries));
        const rows = fit(fetched);
        if (rows.length === 0) continue;
        const full = rows.length < fetched.length || rows.length === limits.batchEntries;
        const rank = Math.min(...rows.map(rankOf));
        if (!best || rank < best.rank || (rank === best.rank && author === this.#o.node.party)) {
          best = { channel: row.id, author, rows, rank, full };
        }
      }
    }
    return best;
  }

  /** Sends one batch; takes its answer once `after` (the batch sent before it) has been taken. */
  async #push(batch: Batch, after: Promise<void>): Promise<void> {
    const path = `${linkPrefix}/channels/${batch.channel}/entries`;
    const res = await this.#request('POST', path, entriesJson(batch.rows));
    await after;
    const refused = refusalOf(res);
    if (refused) {
      // A refusal of the whole link (a rate limit, the peer's storage failing…): back off, as on any failure.
      if (LINK_WIDE.has(refused.code) || refused.details.channel === '-') throw refused;
      this.#hold(batch, refused);
      return;
    }
    const body = parseWith(pushResponseSchema, res.body, 'push answer');
    this.#learn(batch.channel, Object.fromEntries(Object.entries(body.heads).map(([a, h]) => [a, h.seq])));
    this.sent += body.stored;
    if (body.receipt !== undefined) await this.#o.node.ingest(batch.channel, [body.receipt]);
    if (body.error?.code === 'PARLEY_E_GAP') {
      // The peer holds less than we thought (e.g. restored from a backup): resume from its head.
      this.gaps++;
      this.#o.log.debug({ peer: this.peer, error: body.error }, 'peer lacks what came before this batch');
      this.#known.get(batch.channel)?.set(batch.author, body.heads[batch.author]?.seq ?? 0);
      this.#dirty = true; // resume from there, once the pushes out are answered
      this.#resuming.add(batchKey(batch));
      this.#handed.delete(batchKey(batch)); // nor did it keep what a push answer handed over
    } else if (body.error) {
      this.#hold(batch, peerError(body.error));
    } else this.#release(batchKey(batch));
  }

  /** Whether the peer's refusals hold this feed's pushes back now. */
  #heldBack(key: string): boolean {
    const held = this.#held.get(key);
    return held !== undefined && held.until > Date.now();
  }

  /** Milliseconds until the first held-back feed may be pushed again (Infinity when none is held). */
  #nextReleaseMs(): number {
    let first = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const held of this.#held.values()) if (held.until > now) first = Math.min(first, held.until - now);
    return first;
  }

  /**
   * The peer refused a push of this batch's feed: its pushes wait out a
   * backoff of their own (no further one joins a push of it in flight), and
   * the loop looks at once for the other feeds' work.
   */
  #hold(batch: Batch, refusal: ParleyError): void {
    const key = batchKey(batch);
    let held = this.#held.get(key);
    const first = held === undefined;
    held ??= {
      channel: batch.channel,
      author: batch.author,
      backoff: new Backoff(100, this.#o.maxBackoffMs ?? 3000),
      until: 0,
      code: refusal.code,
      since: Date.now(),
    };
    held.until = Date.now() + held.backoff.fail();
    held.code = refusal.code;
    this.#held.set(key, held);
    this.#resuming.add(key);
    this.#dirty = true;
    this.refusals++;
    const seen = {
      peer: this.peer,
      channel: batch.channel,
      author: batch.author,
      code: refusal.code,
      // Filled from the peer's details: bounded here, it is the peer's text.
      reason: refusal.message.slice(0, 256),
      retryInMs: held.until - Date.now(),
    };
    if (first) this.#o.log.warn(seen, 'peer refuses entries of this feed; the others go on');
    else this.#o.log.debug(seen, 'peer still refuses entries of this feed');
  }

  /** The feed is no longer held back: a push of it was taken, or the peer holds all of it. */
  #release(key: string): void {
    const held = this.#held.get(key);
    if (!held) return;
    this.#held.delete(key);
    this.#o.log.info(
      { peer: this.peer, feed: key, code: held.code, refusedForMs: Date.now() - held.since },
      'peer takes entries of this feed again',
    );
  }

  /** Feeds whose last push the peer refused, with the refusal's code and since when (status, metrics). */
  get refusing(): Array<{ channel: string; author: string; code: string; since: string }> {
    return [...this.#held.values()].map(({ channel, author, code, since }) => ({
      channel,
      author,
      code,
      since: new Date(since).toISOString(),
    }));
  }

  #failover(): void {
    const current = this.endpoints[this.#active]!;
    recordFailure(current);
    if (this.endpoints.length > 1 && current.state !== 'UP') this.#active = (this.#active + 1) % this.endpoints.length;
  }

  async #heartbeatLoop(): Promise<void> {
    for (let first = true; !this.#stopped; first = false) {
      const started = Date.now();
      await this.#heartbeat(this.#active);
      // At the start, until one answers, the other endpoints in turn at once rather than a period
      // later: our own signing waits for the first answer (decision 0035), and a dead primary is
      // failed over from straight away.
      for (let tried = 1; first && !this.#answered && !this.#stopped && tried < this.endpoints.length; tried++) {
        await this.#heartbeat(this.#active);
      }
      if (this.#active !== 0) await this.#heartbeat(0);
      // One beat per period, timed from its start: a beat that timed out is followed at once.
      await this.#beat.wait(Math.max(0, this.#o.heartbeatMs - (Date.now() - started)));
    }
  }

  async #heartbeat(index: number): Promise<void> {
    const endpoint = this.endpoints[index]!;
    const sent = Date.now();
    const ours = this.#o.node.clock.now();
    try {
      const res = await this.#request(
        'POST',
        `${linkPrefix}/heartbeat`,
        { sent: new Date(ours).toISOString(), nonce: String(sent) },
        index,
        this.#heartbeatDeadline,
      );
      if (res.status !== 200) throw new Error(`heartbeat answered ${res.status}`);
      const body = parseWith(heartbeatResponseSchema, res.body, 'heartbeat answer');
      const rtt = Date.now() - sent;
      // How much of our own feed the peer holds, in each channel it shares with us: more than our
      // head (a restore) stops our signing there until it is pulled back (decision 0033). Noted
      // before the link counts as up, so that a send after that sees it.
      try {
        for (const channel of await this.#shared(Object.keys(body.heads))) {
          const held = body.heads[channel]![this.#o.node.party];
          if (held !== undefined) this.#o.node.noteHeldByMember(channel, this.peer, held);
        }
      } catch (error) {
        // Our store failing to list its channels is no failure of the link; said, as sends go unguarded meanwhile.
        this.#o.log.warn({ peer: this.peer, err: String(error) }, 'heartbeat heads not taken as claims');
      }
      this.#answered = true;
      this.#heard();
      const recovered = endpoint.failures > 0;
      recordSuccess(endpoint, rtt, Date.parse(body.time) - (ours + rtt / 2), this.#o.node.now());
      if (recovered) {
        this.#stale.abort();
        this.#stale = new AbortController();
      }
      if (index === 0 && this.#active !== 0) this.#active = 0;
      const wasDown = this.#backoff.failures > 0;
      this.contact();
      for (const [channel, heads] of Object.entries(body.heads)) this.#learn(channel, heads);
      this.#o.onHeartbeat?.(this.peer, Object.keys(body.heads));
      void this.#pullWhatWeLack(body.heads, wasDown);
    } catch (error) {
      this.#unheard.add(index);
      if (this.#unheard.size >= this.endpoints.length) this.#heard();
      recordFailure(endpoint);
      // Idle pooled connections may be as dead as this one: the next request dials afresh.
      for (const sockets of Object.values(this.#o.agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
      if (index === this.#active && endpoint.state !== 'UP' && this.endpoints.length > 1) {
        this.#active = (this.#active + 1) % this.endpoints.length;
      }
      this.#o.log.debug({ peer: this.peer, endpoint: endpoint.url, err: String(error) }, 'heartbeat failed');
    }
  }

  /**
   * Pulls the feeds where the peer holds more than we do and our copy made no
   * progress since its previous heartbeat: pushes normally deliver everything,
   * so pulling is for when they do not (one-way reachability, a peer that
   * believes we hold more, our own feed after a restore).
   */
  async #pullWhatWeLack(heads: Record<string, Record<string, number>>, _afterOutage: boolean): Promise<void> {
    if (this.#pulling) return;
    this.#pulling = true;
    const self = this.#o.node.party;
    try {
      for (const [channel, theirs] of Object.entries(heads)) {
        const row = await this.#o.node.store.getChannel(channel);
        if (row?.state !== 'active') continue;
        const ours = await this.#o.node.store.heads(channel);
        // Our own feed first, and at once: nobody pushes it to us, and while
        // the peer holds more of it than we do (we were restored from an older
        // copy) we sign nothing in the channel (decision 0027), so taking in
        // the other feeds would fail until it is back.
        const feeds = Object.entries(theirs).sort(([a], [b]) => Number(b === self) - Number(a === self));
        for (const [author, seq] of feeds) {
          const have = ours[author]?.seq ?? 0;
          const key = `${channel}/${author}`;
          const stalled = seq > have && (author === self || this.#lastHave.get(key) === have);
          this.#lastHave.set(key, have);
          if (!stalled) continue;
          try {
            await this.#pullFeed(channel, author, seq);
          } catch (error) {
            // One feed failing (a refusal, a timeout) does not keep the others from being pulled.
            this.#o.log.debug({ peer: this.peer, channel, author, err: String(error) }, 'pull failed');
          }
        }
      }
    } catch (error) {
      this.#o.log.debug({ peer: this.peer, err: String(error) }, 'pull failed');
    } finally {
      this.#pulling = false;
    }
  }

  async #pullFeed(channel: string, author: string, theirSeq: number): Promise<void> {
    // Our own feed too: after a restore from backup, the peers hold what we wrote since.
    for (;;) {
      const ours = (await this.#o.node.store.head(channel, author))?.seq ?? 0;
      if (ours >= theirSeq || this.#stopped) return;
      const res = await this.#request(
        'GET',
        `${linkPrefix}/channels/${channel}/feeds/${author}?from=${ours + 1}&limit=${limits.batchEntries}`,
      );
      const refused = refusalOf(res);
      if (refused) throw refused;
      const body = parseWith(pullResponseSchema, res.body, 'pull answer');
      if (body.entries.length === 0) return;
      const result = await this.#o.node.ingest(channel, body.entries);
      if (result.error) throw result.error;
    }
  }
}

/** A request given up because the line came back (see #stale). */
function abandoned(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

/**
 * A message's precedence, read from its stored canonical body without parsing
 * it: `"precedence":"` can only be the top-level member (inside a JSON string
 * every quote is escaped, and no nested member of a message has that name).
 */
const PRECEDENCE = /"precedence":"([A-Z]+)"/;

function rankOf(row: StoredEntryRow): number {
  if (row.type !== 'message') return OTHER_RANK;
  return RANK[PRECEDENCE.exec(row.body)?.[1] ?? ''] ?? OTHER_RANK;
}

/** Trims a run of rows to what fits in one link request. */
function fit(rows: StoredEntryRow[]): StoredEntryRow[] {
  let bytes = 0;
  const out: StoredEntryRow[] = [];
  for (const row of rows) {
    bytes += row.header.length + row.body.length + row.sig.length + 32;
    if (out.length > 0 && bytes > limits.linkRequestBytes / 2) break;
    out.push(row);
  }
  return out;
}
