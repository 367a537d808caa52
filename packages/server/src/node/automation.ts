import { randomBytes } from 'node:crypto';
import { isParleyError } from '@parley/contract';
import {
  bytesEqual,
  cosignCheckpoint,
  feedOrigin,
  fromBase64,
  fromBase64url,
  type JsonValue,
  makeVkey,
  type Note,
  parseCheckpoint,
  parseNote,
  serializeNote,
  signCheckpoint,
  toBase64,
  toBase64url,
  verifyCheckpoint,
  withSignature,
} from '@parley/record';
import type { Logger } from 'pino';
import { putCheckpoint } from '../store/kept-rows.js';
import type { AppendedEvent } from './events.js';
import { feedRoot } from './feed-root.js';
import type { ParleyNode } from './node.js';

/** Entry types that are bookkeeping, not content: they alone never call for a new checkpoint. */
const BOOKKEEPING = new Set(['receipt', 'checkpoint', 'cosign', 'link-check-answer']);

export interface AutomationOptions {
  /** Checkpoint after this many content entries… */
  checkpointEntries: number;
  /** …or this long after the first content entry not yet covered. */
  checkpointSeconds: number;
  log: Logger;
}

/**
 * What a node does on its own: checkpoints its feed and cosigns the others'
 * (after checking each against its own copy), answers node link checks, and
 * writes its own link checks on the charter's schedule.
 */
export class Automation {
  readonly #node: ParleyNode;
  readonly #o: AutomationOptions;
  readonly #pending = new Map<string, { count: number; since: number }>();
  readonly #lastCheck = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(node: ParleyNode, options: AutomationOptions) {
    this.#node = node;
    this.#o = options;
  }

  start(): void {
    // Anything stored but not yet answered when the node last stopped (killed between the two) is answered now.
    this.#enqueue(async () => {
      for (const row of await this.#node.store.listChannels())
        if (row.state === 'active') await this.#node.answerUnanswered(row.id);
    });
    this.#node.events.on('appended', (e) => this.#enqueue(() => this.#onAppended(e)));
    this.#timer = setInterval(() => this.#enqueue(() => this.#tick()), 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#queue;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((error) => {
      if (!isParleyError(error, 'PARLEY_E_UNKNOWN_CHANNEL'))
        this.#o.log.warn({ err: String(error) }, 'automation task failed');
    });
  }

  async #onAppended(e: AppendedEvent): Promise<void> {
    if (e.own) {
      if (e.types.some((t) => !BOOKKEEPING.has(t))) {
        const p = this.#pending.get(e.channel) ?? { count: 0, since: this.#node.clock.now() };
        p.count += e.toSeq - e.fromSeq + 1;
        this.#pending.set(e.channel, p);
        if (p.count >= this.#o.checkpointEntries) await this.#checkpoint(e.channel);
      }
      return;
    }
    const wanted = e.types.filter((t) => t === 'checkpoint' || t === 'cosign' || t === 'link-check');
    if (wanted.length === 0) return;
    // Only those entries, in one read: a peer's batch of hundreds holds a checkpoint or two.
    for (const row of await this.#node.store.feedEntriesOfTypes(e.channel, e.author, e.fromSeq, e.toSeq, wanted)) {
      const body = JSON.parse(row.body) as Record<string, unknown>;
      if (row.type === 'checkpoint')
        await this.#cosign(e.channel, e.author, row.id, body as { note: string; size: number; root: string });
      if (row.type === 'cosign') await this.#collect(e.channel, body as { checkpoint: string; for: string });
      if (row.type === 'link-check' && body.kind === 'node') {
        await this.#node.append(e.channel, {
          type: 'link-check-answer',
          body: { check: row.id, nonce: body.nonce, by: 'node' } as JsonValue,
          refs: [row.id],
        });
      }
    }
  }

  async #tick(): Promise<void> {
    const now = this.#node.clock.now();
    for (const [channel, p] of this.#pending) {
      if (p.count > 0 && now - p.since >= this.#o.checkpointSeconds * 1000) await this.#checkpoint(channel);
    }
    for (const row of await this.#node.store.listChannels()) {
      if (row.state === 'active') await this.#linkCheck(row.id, now);
    }
  }

  /** Signs a checkpoint of this party's feed as it stands, as a `checkpoint` entry. */
  async #checkpoint(channel: string): Promise<void> {
    this.#pending.delete(channel);
    const head = await this.#node.store.head(channel, this.#node.party);
    if (!head) return;
    const root = await feedRoot(this.#node.store, channel, this.#node.party, head.seq);
    const origin = feedOrigin(channel, this.#node.party);
    // Signed by the key in force at the head (the old key when the head is a key-rotate).
    const note = signCheckpoint({ origin, size: head.seq, root }, await this.#node.signerAt(channel, head.seq));
    const row = {
      channel,
      author: this.#node.party,
      size: head.seq,
      root: toBase64(root),
      note,
      createdAt: this.#node.now(),
    };
    // The kept note and the entry announcing it: one transaction, one commit.
    await this.#node.append(channel, {
      type: 'checkpoint',
      body: { note, size: head.seq, root: toBase64(root) },
      alongside: (db) => putCheckpoint(db, row),
    });
  }

  /**
   * Cosigns another member's checkpoint only if it is signed by that member
   * and its root is the root of the member's feed as this node holds it; a
   * different root is proof of equivocation, kept and raised as an alarm.
   */
  async #cosign(
    channel: string,
    author: string,
    entryId: string,
    body: { note: string; size: number; root: string },
  ): Promise<void> {
    const state = await this.#node.channel(channel);
    const key = state.keys.keyAt(author, body.size) ?? state.keys.keyAt(author, body.size + 1);
    if (!key) return;
    const origin = feedOrigin(channel, author);
    verifyCheckpoint(body.note, makeVkey(origin, fromBase64url(key, 'key', 32)), origin);
    const ours = await feedRoot(this.#node.store, channel, author, body.size);
    if (!bytesEqual(ours, fromBase64(body.root, 'root', 32))) {
      const message = `equivocation: ${author} signed a checkpoint of size ${body.size} whose root is not the root of its feed as held here`;
      await this.#node.store.raiseAlarm({
        kind: 'equivocation',
        channel,
        message,
        details: JSON.stringify({ author, size: body.size, entry: entryId }),
        raisedAt: this.#node.now(),
      });
      this.#node.events.emit('alarm', { kind: 'equivocation', message, channel });
      return;
    }
    const cosigned = cosignCheckpoint(
      body.note,
      this.#node.signer,
      feedOrigin(channel, this.#node.party),
      Math.floor(this.#node.clock.now() / 1000),
    );
    const row = { channel, author, size: body.size, root: body.root, note: cosigned, createdAt: this.#node.now() };
    await this.#node.append(channel, {
      type: 'cosign',
      body: { checkpoint: cosigned, for: author },
      refs: [entryId],
      alongside: (db) => putCheckpoint(db, row),
    });
  }

  /** Adds a member's cosignature of one of our checkpoints to the stored note. */
  async #collect(channel: string, body: { checkpoint: string; for: string }): Promise<void> {
    if (body.for !== this.#node.party) return;
    const theirs = parseCheckpoint(body.checkpoint);
    const mine = await this.#node.store.checkpointAt(channel, this.#node.party, theirs.size);
    if (!mine || parseCheckpoint(mine.note).text !== theirs.text) return;
    let merged: Note = parseNote(mine.note);
    for (const signature of theirs.signatures) merged = withSignature(merged, signature);
    const note = serializeNote(merged);
    if (note !== mine.note) await this.#node.store.putCheckpoint({ ...mine, note });
  }

  /** Writes a link check when the charter's interval has passed; every Nth is for the operator on duty. */
  async #linkCheck(channel: string, now: number): Promise<void> {
    const state = await this.#node.channel(channel);
    const { intervalMinutes, operatorEvery, answerWithinMinutes } = state.charter.linkChecks;
    const last = this.#lastCheck.get(channel);
    if (last === undefined) {
      this.#lastCheck.set(channel, now);
      return;
    }
    if (now - last < intervalMinutes * 60_000) return;
    this.#lastCheck.set(channel, now);
    const count = Math.floor(now / (intervalMinutes * 60_000));
    const kind = operatorEvery > 0 && count % operatorEvery === 0 ? 'operator' : 'node';
    const nonce = toBase64url(randomBytes(16));
    await this.#node.append(channel, {
      type: 'link-check',
      body: { kind, nonce, answerWithinSeconds: answerWithinMinutes * 60 },
    });
  }
}
