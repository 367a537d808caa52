import { ParleyError, validateBody } from '@parley/contract';
import { type FeedHead, type JsonValue, type SignedEntry, type Signer, signEntry } from '@parley/record';
import { type Clock, stamp } from '../clock/clock.js';
import type { LockedFeed, Store } from '../store/store.js';
import { type ChannelState, channelState, requireActive } from './channel-state.js';
import { NodeEventBus } from './events.js';
import { type IngestResult, ingestBatch } from './ingest.js';

export interface NodeDeps {
  party: string;
  signer: Signer;
  store: Store;
  clock: Clock;
}

/** Most own entries one transaction commits together. */
const GROUP_COMMIT_MAX = 256;

interface Pending {
  own: OwnEntry;
  resolve: (written: { id: string; entry: SignedEntry }) => void;
  reject: (error: unknown) => void;
}

/** What the node itself writes: type, body and what it is about. */
export interface OwnEntry {
  type: string;
  body: JsonValue;
  refs?: string[];
  /**
   * A message numbered by the node: its body's `serial` is set, while the
   * feed is locked, to one more than the highest this party used in the
   * channel, so serials stay unique however many appends (or processes over
   * one database) race. The body is given without it.
   */
  assignSerial?: boolean;
}

/**
 * One party's node: writes its own feed, takes in peers' entries, answers
 * them with receipts. The link and the console drive it; it knows neither.
 */
export class ParleyNode {
  readonly party: string;
  readonly store: Store;
  readonly clock: Clock;
  readonly events = new NodeEventBus();
  readonly #signer: Signer;
  readonly #channels = new Map<string, Promise<ChannelState>>();
  readonly #queues = new Map<string, Pending[]>();
  readonly #draining = new Set<string>();

  constructor(deps: NodeDeps) {
    this.party = deps.party;
    this.store = deps.store;
    this.clock = deps.clock;
    this.#signer = deps.signer;
  }

  get signer(): Signer {
    return this.#signer;
  }

  /** The active channel's state (charter, members, keys), loaded once. */
  channel(id: string): Promise<ChannelState> {
    // The promise is cached, so a burst of concurrent callers loads the charter once.
    let state = this.#channels.get(id);
    if (!state) {
      state = this.store.getChannel(id).then((row) => channelState(requireActive(row, id)));
      state.catch(() => this.#channels.delete(id));
      this.#channels.set(id, state);
    }
    return state;
  }

  /** Forgets cached channel state (after a charter change). */
  forget(id: string): void {
    this.#channels.delete(id);
  }

  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Checks, signs and durably appends an entry to this party's feed. Its heads
   * name everything held of the other feeds; its time never goes backwards.
   * Concurrent appends are group-committed: one transaction (one fsync) for
   * all waiting, each resolved only once durable.
   */
  async append(channelId: string, own: OwnEntry): Promise<{ id: string; entry: SignedEntry }> {
    const channel = await this.channel(channelId);
    validateBody(own.type, own.assignSerial ? withSerial(own.body, 1) : own.body);
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(channel.id) ?? [];
      queue.push({ own, resolve, reject });
      this.#queues.set(channel.id, queue);
      if (!this.#draining.has(channel.id)) void this.#drain(channel.id);
    });
  }

  async #drain(channel: string): Promise<void> {
    this.#draining.add(channel);
    try {
      for (let queue = this.#queues.get(channel); queue?.length; queue = this.#queues.get(channel)) {
        const batch = queue.splice(0, GROUP_COMMIT_MAX);
        try {
          const written = await this.#write(
            channel,
            batch.map((p) => p.own),
          );
          for (const [i, p] of batch.entries()) p.resolve(written[i]!);
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#draining.delete(channel);
    }
  }

  async #write(channel: string, batch: OwnEntry[]): Promise<Array<{ id: string; entry: SignedEntry }>> {
    const heads = await this.#headsOfOthers(channel);
    const builds = batch.map(
      (own) => async (head: FeedHead | undefined, feed: LockedFeed) =>
        signEntry(
          {
            channel,
            author: this.party,
            seq: (head?.seq ?? 0) + 1,
            prev: head?.id ?? null,
            time: stamp(this.clock, head?.time),
            type: own.type,
            heads,
            refs: own.refs ?? [],
            body: own.assignSerial ? withSerial(own.body, (await feed.maxSerial()) + 1) : own.body,
          },
          this.#signer,
        ),
    );
    const written = await this.store.appendOwnBatch(channel, this.party, builds, this.now());
    const precedence = batch
      .map(precedenceOf)
      .map((p) => p.precedence)
      .filter((p) => p !== undefined);
    precedence.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    this.events.emit('appended', {
      channel,
      author: this.party,
      fromSeq: written[0]!.entry.header.seq,
      toSeq: written[written.length - 1]!.entry.header.seq,
      types: [...new Set(batch.map((o) => o.type))],
      ...(precedence[0] ? { precedence: precedence[0] } : {}),
      own: true,
    });
    return written;
  }

  /**
   * Takes a batch from a peer. What is new is stored; if anything but
   * receipts was new, one receipt answers the whole batch.
   */
  async ingest(channelId: string, raw: unknown[]): Promise<IngestResult & { receipt?: SignedEntry }> {
    const channel = await this.channel(channelId);
    const result = await ingestBatch(this.store, channel, raw, () => this.clock.now(), this.now());
    for (const fork of result.forks) await this.#recordFork(channel.id, fork.proof);
    for (const [author, entries] of result.accepted) {
      this.events.emit('appended', {
        channel: channel.id,
        author,
        fromSeq: entries[0]!.header.seq,
        toSeq: entries[entries.length - 1]!.header.seq,
        types: [...new Set(entries.map((e) => e.header.type))],
        own: false,
      });
    }
    if (result.flagged.length > 0) await this.#skewAlarm(channel.id, result);
    const needsReceipt =
      [...result.accepted.values()].some((list) => list.some((e) => e.header.type !== 'receipt')) ||
      (result.resent.size > 0 && (await this.#unanswered(channel.id, result.resent)));
    if (!needsReceipt) return result;
    const receipt = await this.append(channel.id, { type: 'receipt', body: {} });
    return { ...result, receipt: receipt.entry };
  }

  /**
   * Writes a receipt when this node holds other members' entries (other than
   * receipts) that its own newest entry does not acknowledge: it stopped
   * between storing a batch and answering it (two transactions). Run when the
   * node starts; a resend of such entries answers them too (see ingest).
   */
  async answerUnanswered(channelId: string): Promise<SignedEntry | undefined> {
    const channel = await this.channel(channelId);
    if (!(await this.#unanswered(channel.id))) return undefined;
    return (await this.append(channel.id, { type: 'receipt', body: {} })).entry;
  }

  /** Whether we hold a non-receipt entry of another member (up to `upTo`'s seq, if given) we never acknowledged. */
  async #unanswered(channel: string, upTo?: Map<string, number>): Promise<boolean> {
    const own = await this.store.head(channel, this.party);
    const row = own && (await this.store.getEntry(channel, this.party, own.seq));
    const acked: SignedEntry['header']['heads'] = row ? JSON.parse(row.header).heads : {};
    for (const [author, head] of Object.entries(await this.store.heads(channel))) {
      if (author === this.party) continue;
      const from = (acked[author]?.seq ?? 0) + 1;
      const to = upTo ? Math.min(head.seq, upTo.get(author) ?? 0) : head.seq;
      if (to < from) continue;
      // More than a page unacknowledged is never only receipts (they answer our own entries).
      if (to - from >= 1000) return true;
      if ((await this.store.range(channel, author, from, to - from + 1)).some((r) => r.type !== 'receipt')) return true;
    }
    return false;
  }

  async #headsOfOthers(channel: string): Promise<SignedEntry['header']['heads']> {
    const heads = await this.store.heads(channel);
    const out: SignedEntry['header']['heads'] = {};
    for (const [author, head] of Object.entries(heads))
      if (author !== this.party) out[author] = { seq: head.seq, id: head.id };
    return out;
  }

  async #recordFork(channel: string, proof: import('@parley/record').ForkProof): Promise<void> {
    await this.store.putFork({
      channel,
      author: proof.author,
      seq: proof.seq,
      proof,
      detectedAt: this.now(),
      from: null,
    });
    const message = `fork: ${proof.author} signed two different entries at seq ${proof.seq}`;
    await this.store.raiseAlarm({
      kind: 'fork',
      channel,
      message,
      details: JSON.stringify({ author: proof.author, seq: proof.seq }),
      raisedAt: this.now(),
    });
    this.events.emit('alarm', { kind: 'fork', message, channel });
  }

  async #skewAlarm(channel: string, result: IngestResult): Promise<void> {
    const first = result.flagged[0]!;
    const ahead = first.flags[0]?.aheadMs ?? 0;
    const message = `clock skew: ${first.header.author} seq ${first.header.seq} is ${Math.round(ahead / 1000)} s ahead of this node's clock`;
    await this.store.raiseAlarm({
      kind: 'clock-skew',
      channel,
      message,
      details: JSON.stringify({ author: first.header.author, aheadMs: ahead }),
      raisedAt: this.now(),
    });
    this.events.emit('alarm', { kind: 'clock-skew', message, channel });
  }
}

const ORDER = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'];

function withSerial(body: JsonValue, serial: number): JsonValue {
  return { ...(body as Record<string, JsonValue>), serial };
}

function precedenceOf(own: OwnEntry): { precedence?: string } {
  const p = (own.body as { precedence?: unknown } | null)?.precedence;
  return typeof p === 'string' && ORDER.includes(p) ? { precedence: p } : {};
}

export function requireMember(channel: ChannelState, party: string): void {
  if (!channel.members.includes(party)) {
    throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: party, channel: channel.id });
  }
}
