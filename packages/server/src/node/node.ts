import { ParleyError, validateBody } from '@parley/contract';
import { type FeedHead, type JsonValue, type SignedEntry, type Signer, signEntry } from '@parley/record';
import { type Clock, stamp } from '../clock/clock.js';
import type { Store } from '../store/store.js';
import { type ChannelState, channelState, requireActive } from './channel-state.js';
import { NodeEventBus } from './events.js';
import { type IngestResult, ingestBatch } from './ingest.js';

export interface NodeDeps {
  party: string;
  signer: Signer;
  store: Store;
  clock: Clock;
}

/** What the node itself writes: type, body and what it is about. */
export interface OwnEntry {
  type: string;
  body: JsonValue;
  refs?: string[];
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
  readonly #channels = new Map<string, ChannelState>();

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
  async channel(id: string): Promise<ChannelState> {
    let state = this.#channels.get(id);
    if (!state) {
      state = channelState(requireActive(await this.store.getChannel(id), id));
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
   */
  async append(channelId: string, own: OwnEntry): Promise<{ id: string; entry: SignedEntry }> {
    const channel = await this.channel(channelId);
    validateBody(own.type, own.body);
    const heads = await this.#headsOfOthers(channel.id);
    const written = await this.store.appendOwn(
      channel.id,
      this.party,
      (head: FeedHead | undefined) =>
        signEntry(
          {
            channel: channel.id,
            author: this.party,
            seq: (head?.seq ?? 0) + 1,
            prev: head?.id ?? null,
            time: stamp(this.clock, head?.time),
            type: own.type,
            heads,
            refs: own.refs ?? [],
            body: own.body,
          },
          this.#signer,
        ),
      this.now(),
    );
    const { seq } = written.entry.header;
    this.events.emit('appended', {
      channel: channel.id,
      author: this.party,
      fromSeq: seq,
      toSeq: seq,
      types: [own.type],
      ...precedenceOf(own),
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
    const needsReceipt = [...result.accepted.values()].some((list) => list.some((e) => e.header.type !== 'receipt'));
    if (!needsReceipt) return result;
    const receipt = await this.append(channel.id, { type: 'receipt', body: {} });
    return { ...result, receipt: receipt.entry };
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

function precedenceOf(own: OwnEntry): { precedence?: string } {
  const p = (own.body as { precedence?: unknown } | null)?.precedence;
  return typeof p === 'string' && ORDER.includes(p) ? { precedence: p } : {};
}

export function requireMember(channel: ChannelState, party: string): void {
  if (!channel.members.includes(party)) {
    throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: party, channel: channel.id });
  }
}
