import { type EntryHeader, examples } from '@parley/contract';
import {
  type AcceptedEntry,
  Ed25519Signer,
  type FeedHead,
  FeedVerifier,
  type JsonValue,
  KeyHistory,
  type SignedEntry,
  sha256,
  signEntry,
  toBase64url,
} from '@parley/record';
import type { ChannelRow } from './store.js';

const utf8 = new TextEncoder();

export const channel = toBase64url(sha256(utf8.encode('parley store test channel')));
export const parties = ['us-js', 'cn-jsd', 'jp-jso'] as const;
export const t0 = Date.parse('2023-12-21T13:05:00.000Z');
export const storedAt = '2023-12-21T13:06:00.000Z';

export function signerFor(party: string): Ed25519Signer {
  return Ed25519Signer.fromSeed(sha256(utf8.encode(`store test key ${party}`)));
}

export function keys(): KeyHistory {
  return KeyHistory.fromMembers(parties.map((id) => ({ id, key: toBase64url(signerFor(id).publicKey) })));
}

export function channelRow(id = channel): ChannelRow {
  return {
    id,
    charter: '{"name":"Store test"}',
    signatures: '[]',
    state: 'active',
    createdAt: new Date(t0).toISOString(),
  };
}

export interface Content {
  type?: string;
  body?: JsonValue;
  heads?: EntryHeader['heads'];
  refs?: string[];
}

export type Signed = { id: string; entry: SignedEntry };

/** Signs the entry after `head` in `author`'s feed (a receipt unless `content` says otherwise). */
export function signNext(author: string, head: FeedHead | undefined, content: Content = {}): Signed {
  const seq = (head?.seq ?? 0) + 1;
  return signEntry(
    {
      channel,
      author,
      seq,
      prev: head?.id ?? null,
      time: new Date(t0 + seq * 1000).toISOString(),
      type: content.type ?? 'receipt',
      body: content.body ?? {},
      heads: content.heads ?? {},
      refs: content.refs ?? [],
    },
    signerFor(author),
  );
}

/** `n` chained entries of `author`'s feed after `from`; `content(seq)` picks each one's content. */
export function signFeed(author: string, n: number, from?: FeedHead, content?: (seq: number) => Content): Signed[] {
  const out: Signed[] = [];
  let head = from;
  for (let i = 0; i < n; i++) {
    const next = signNext(author, head, content?.((head?.seq ?? 0) + 1));
    out.push(next);
    head = { seq: next.entry.header.seq, id: next.id, time: next.entry.header.time };
  }
  return out;
}

/** What the link hands the store: entries checked by a FeedVerifier resumed at `head`. */
export function accept(author: string, signed: readonly Signed[], head?: FeedHead): AcceptedEntry[] {
  const verifier = new FeedVerifier({ channel, author, keys: keys(), ...(head ? { head } : {}) });
  return signed.map((s) => verifier.verify(s.entry));
}

export function headOf(s: Signed): FeedHead {
  return { seq: s.entry.header.seq, id: s.id, time: s.entry.header.time };
}

export function messageBody(serial: number, subject = 'Test'): JsonValue {
  return { ...examples.message, serial, subject } as unknown as JsonValue;
}
