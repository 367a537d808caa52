import { type Charter, defaultCharter, examples } from '@parley/contract';
import { channelId, type SignedCharter, signCharter } from '../charter/charter.js';
import type { Ed25519Signer } from '../crypto/ed25519.js';
import { toBase64url } from '../encoding/base64.js';
import type { SignedEntry } from '../entry/entry.js';
import type { JsonValue } from '../jcs/parse.js';
import type { KeyTable } from '../keys/key-history.js';
import { MemoryMerkleLog } from '../merkle/index.js';
import { cosignCheckpoint, feedOrigin, signCheckpoint } from '../note/index.js';
import { sign, signerFor } from './factory.js';

export type Entry = SignedEntry & { id: string };

/**
 * A channel's whole record held in memory, as honest nodes would write it:
 * every entry's heads name everything the author holds of the other feeds.
 */
export class TestRecord {
  readonly charter: Charter;
  readonly channel: SignedCharter;
  readonly signers: Record<string, Ed25519Signer>;
  readonly feeds = new Map<string, Entry[]>();
  readonly logs = new Map<string, MemoryMerkleLog>();
  #clock: number;

  constructor(parties: string[] = ['cn-jsd', 'us-js'], start = Date.parse('2023-02-04T19:00:00.000Z')) {
    this.#clock = start;
    this.signers = Object.fromEntries(parties.map((p) => [p, signerFor(p)]));
    this.charter = defaultCharter({
      name: 'Test hotline',
      proposer: parties[0]!,
      createdAt: new Date(start).toISOString(),
      nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
      members: parties.map((id) => ({ id, names: { en: id }, key: toBase64url(this.signers[id]!.publicKey) })),
    });
    const id = channelId(this.charter as unknown as JsonValue);
    const signatures = parties.map((p) => signCharter(this.charter as unknown as JsonValue, p, this.signers[p]!));
    this.channel = { id, charter: this.charter as unknown as SignedCharter['charter'], signatures };
    for (const p of parties) {
      this.feeds.set(p, []);
      this.logs.set(p, new MemoryMerkleLog());
    }
  }

  get id(): string {
    return this.channel.id;
  }

  /** Moves the clock on by `ms` and returns the new time. */
  tick(ms = 1000): string {
    this.#clock += ms;
    return new Date(this.#clock).toISOString();
  }

  now(): string {
    return new Date(this.#clock).toISOString();
  }

  /** Appends an entry by `author`, acknowledging (in heads) all it holds of the others unless `heads` says otherwise. */
  append(
    author: string,
    type: string,
    body: JsonValue,
    options: { refs?: string[]; heads?: Record<string, number> } = {},
  ): Entry {
    const feed = this.feeds.get(author)!;
    const prev = feed[feed.length - 1];
    const heads: SignedEntry['header']['heads'] = {};
    for (const [party, entries] of this.feeds) {
      if (party === author) continue;
      const upTo = options.heads?.[party] ?? entries.length;
      const head = entries[upTo - 1];
      if (head) heads[party] = { seq: head.header.seq, id: head.id };
    }
    const draft = {
      channel: this.id,
      author,
      seq: feed.length + 1,
      prev: prev?.id ?? null,
      time: this.tick(),
      type,
      heads,
      refs: options.refs ?? [],
      body,
    };
    const entry = sign(draft, this.signers[author]!);
    feed.push(entry);
    this.logs.get(author)!.append(Buffer.from(entry.id, 'base64url'));
    return entry;
  }

  message(author: string, subject = 'Test', refs: string[] = []): Entry {
    return this.append(author, 'message', { ...examples.message, subject } as unknown as JsonValue, { refs });
  }

  receipt(author: string): Entry {
    return this.append(author, 'receipt', {});
  }

  /** The author's checkpoint of its whole feed, cosigned by each of `cosigners` at `at` (seconds). */
  checkpoint(author: string, cosigners: string[], at: number): string {
    const log = this.logs.get(author)!;
    const origin = feedOrigin(this.id, author);
    let note = signCheckpoint({ origin, size: log.size, root: log.root() }, this.signers[author]!);
    for (const c of cosigners) note = cosignCheckpoint(note, this.signers[c]!, feedOrigin(this.id, c), at);
    return note;
  }

  keys(): KeyTable {
    return Object.fromEntries(
      Object.entries(this.signers).map(([p, s]) => [
        p,
        [{ key: toBase64url(s.publicKey), fromSeq: 1, untilSeq: null }],
      ]),
    );
  }

  all(): Entry[] {
    return [...this.feeds.values()].flat();
  }

  index(party: string): Map<number, Entry> {
    return new Map(this.feeds.get(party)!.map((e) => [e.header.seq, e]));
  }
}
