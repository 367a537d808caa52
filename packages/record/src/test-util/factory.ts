import { Ed25519Signer, type Signer } from '../crypto/ed25519.js';
import { sha256, utf8 } from '../crypto/hash.js';
import { toBase64url } from '../encoding/base64.js';
import { type EntryDraft, type SignedEntry, signEntry } from '../entry/entry.js';
import type { JsonValue } from '../jcs/parse.js';
import { KeyHistory } from '../keys/key-history.js';

export const channel = toBase64url(sha256(utf8.encode('test channel')));
export const t0 = Date.parse('2023-12-21T13:05:00.000Z');

/** A deterministic signer per party name, so failures reproduce. */
export function signerFor(party: string, generation = 0): Ed25519Signer {
  return Ed25519Signer.fromSeed(sha256(utf8.encode(`test key ${party} ${generation}`)));
}

export interface FeedOptions {
  author?: string;
  signer?: Ed25519Signer;
  start?: number;
  body?: (seq: number) => { type: string; body: JsonValue; refs?: string[] };
}

/** Builds `n` valid, chained entries of one feed: receipts unless `body` says otherwise. */
export function makeFeed(n: number, options: FeedOptions = {}): Array<SignedEntry & { id: string }> {
  const author = options.author ?? 'us-js';
  const signer = options.signer ?? signerFor(author);
  const out: Array<SignedEntry & { id: string }> = [];
  let prev: string | null = null;
  for (let seq = 1; seq <= n; seq++) {
    const content = options.body?.(seq) ?? { type: 'receipt', body: {} };
    const entry = sign(
      { channel, author, seq, prev, time: new Date(t0 + seq * 1000).toISOString(), ...content },
      signer,
    );
    out.push(entry);
    prev = entry.id;
  }
  return out;
}

/** A signed entry carrying its id as a non-enumerable property: handy in tests, invisible on the wire. */
export function sign(draft: EntryDraft, signer: Signer): SignedEntry & { id: string } {
  const { id, entry } = signEntry(draft, signer);
  return Object.defineProperty(entry, 'id', { value: id, enumerable: false }) as SignedEntry & { id: string };
}

export function keysFor(...parties: string[]): KeyHistory {
  return KeyHistory.fromMembers(parties.map((id) => ({ id, key: toBase64url(signerFor(id).publicKey) })));
}

/** Deep copy through JSON, so tests can tamper without touching the original. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
