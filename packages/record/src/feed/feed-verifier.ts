import { ParleyError } from '@parley/contract';
import { toBase64url } from '../encoding/base64.js';
import { type CheckedEntry, checkBody, checkEntryForm, checkSignature } from '../entry/check.js';
import type { SignedEntry } from '../entry/entry.js';
import type { KeyHistory } from '../keys/key-history.js';
import { checkRotationProof } from '../keys/key-rotate.js';
import { ForkError, makeForkProof } from './fork.js';

/** What fork detection needs of an entry already held: its id, header and signature. */
export interface StoredEntry {
  id: string;
  header: SignedEntry['header'];
  sig: string;
}

export interface FeedHead {
  seq: number;
  id: string;
  time: string;
}

/** A rule that was broken but is flagged rather than refused (DESIGN.md validity rule 4). */
export interface EntryFlag {
  code: 'PARLEY_E_FUTURE_TIME';
  aheadMs: number;
}

export interface AcceptedEntry extends CheckedEntry {
  /** Canonical body text, when the body was present. */
  bodyText?: string;
  flags: EntryFlag[];
  /** True when this exact entry was already in the feed (an idempotent resend). */
  duplicate: boolean;
}

export interface FeedVerifierOptions {
  channel: string;
  author: string;
  keys: KeyHistory;
  /** Channel members; when given, the author and every party in `heads` must be one. */
  members?: Iterable<string>;
  /** Resume after this head (e.g. from a store) instead of an empty feed. */
  head?: FeedHead;
  /** The entry already stored at a seq ≤ head, for idempotency and fork detection. */
  storedEntry?: (seq: number) => StoredEntry | undefined;
  /** On the link every body must be present; evidence may withhold them. Default true. */
  requireBodies?: boolean;
  /** Entries further ahead of `now` than this are flagged. Default: no check. */
  skewAllowanceMs?: number;
  now?: () => number;
  /**
   * Replaces the inline signature check, e.g. to verify on worker threads
   * (see verifyFeedParallel). The verifier then goes on as if the signature
   * were valid: the caller owns the verdict on every entry it deferred.
   */
  checkSignature?: (entry: CheckedEntry) => void;
  /**
   * Checks an input's form and derives its id (default checkEntryForm): a
   * caller that checked the forms already hands over what it found. It must
   * be checkEntryForm's result for that very input, or throw as it does.
   */
  form?: (input: unknown) => CheckedEntry;
}

/**
 * Checks one party's feed entry by entry against every validity rule of
 * DESIGN.md, cheapest first: form, channel and membership, key in force,
 * sequence and chain, time, signature, then the body. Each failure is a
 * ParleyError with its own code; a fork throws a ForkError carrying the proof.
 *
 * @example
 * const feed = new FeedVerifier({ channel, author: 'us-js', keys });
 * for (const entry of entries) feed.verify(entry);
 */
export class FeedVerifier {
  readonly #o: FeedVerifierOptions;
  readonly #members: Set<string> | undefined;
  readonly #checkSignature: (entry: CheckedEntry) => void;
  readonly #form: (input: unknown) => CheckedEntry;
  #head: FeedHead | undefined;
  #last: CheckedEntry | undefined;

  constructor(options: FeedVerifierOptions) {
    this.#o = options;
    this.#members = options.members ? new Set(options.members) : undefined;
    this.#head = options.head;
    this.#checkSignature = options.checkSignature ?? checkSignature;
    this.#form = options.form ?? checkEntryForm;
  }

  get head(): FeedHead | undefined {
    return this.#head;
  }

  verify(input: unknown): AcceptedEntry {
    const entry = this.#form(input);
    const { header } = entry;
    this.#checkPlace(entry);
    const seenAt = this.#head && header.seq <= this.#head.seq;
    if (seenAt) return this.#resent(entry);
    this.#checkChain(entry);
    this.#checkSignature(entry);
    const accepted = acceptedEntry(entry, this.#flags(entry));
    if (entry.body !== undefined || this.#o.requireBodies !== false) {
      accepted.bodyText = checkBody(entry);
    }
    this.#trackKeys(entry);
    this.#head = { seq: header.seq, id: entry.id, time: header.time };
    this.#last = entry;
    return accepted;
  }

  #checkPlace({ header }: CheckedEntry): void {
    const { channel, author, keys } = this.#o;
    if (header.channel !== channel)
      throw new ParleyError('PARLEY_E_WRONG_CHANNEL', { got: header.channel, expected: channel });
    if (header.author !== author || (this.#members && !this.#members.has(author))) {
      throw new ParleyError('PARLEY_E_UNKNOWN_AUTHOR', { author: header.author, channel });
    }
    if (this.#members) {
      for (const party of Object.keys(header.heads)) {
        if (!this.#members.has(party))
          throw new ParleyError('PARLEY_E_HEADER', { reason: `heads names ${party}, not a member` });
      }
    }
    if (keys.keyAt(author, header.seq) !== header.key) {
      throw new ParleyError('PARLEY_E_KEY_NOT_VALID', { key: header.key, author, seq: header.seq });
    }
  }

  #checkChain({ header }: CheckedEntry): void {
    const head = this.#head;
    const expected = (head?.seq ?? 0) + 1;
    if (header.seq !== expected) {
      throw new ParleyError('PARLEY_E_GAP', { author: header.author, expected, got: header.seq, head: head?.seq ?? 0 });
    }
    if (header.prev !== (head?.id ?? null)) {
      throw new ParleyError('PARLEY_E_PREV_MISMATCH', {
        author: header.author,
        seq: header.seq,
        prevSeq: header.seq - 1,
      });
    }
    if (head && header.time < head.time) {
      throw new ParleyError('PARLEY_E_TIME_REGRESSION', {
        author: header.author,
        seq: header.seq,
        time: header.time,
        prevSeq: head.seq,
        prevTime: head.time,
      });
    }
  }

  /** An entry at a seq we already hold: the same one is a no-op, a different valid one is a fork. */
  #resent(entry: CheckedEntry): AcceptedEntry {
    const { header } = entry;
    const last = this.#last;
    const stored =
      last && header.seq === last.header.seq
        ? { id: last.id, header: last.header, sig: toBase64url(last.sig) }
        : this.#o.storedEntry?.(header.seq);
    if (stored?.id === entry.id) return { ...entry, flags: [], duplicate: true };
    this.#checkSignature(entry);
    if (stored === undefined) {
      const head = this.#head!.seq;
      throw new ParleyError('PARLEY_E_GAP', { author: header.author, expected: head + 1, got: header.seq, head });
    }
    const proof = makeForkProof(stored, { header, sig: toBase64url(entry.sig) });
    throw new ForkError(proof, { author: header.author, seq: header.seq });
  }

  #flags({ header }: CheckedEntry): EntryFlag[] {
    const { skewAllowanceMs, now } = this.#o;
    if (skewAllowanceMs === undefined) return [];
    const aheadMs = Date.parse(header.time) - (now ?? Date.now)();
    return aheadMs > skewAllowanceMs ? [{ code: 'PARLEY_E_FUTURE_TIME', aheadMs }] : [];
  }

  #trackKeys(entry: CheckedEntry): void {
    const { header } = entry;
    const asserted = this.#o.keys.rotationAfter(header.author, header.seq);
    if (header.type !== 'key-rotate') {
      if (asserted) {
        throw new ParleyError('PARLEY_E_KEY_HISTORY', {
          party: header.author,
          reason: `a new key from seq ${header.seq + 1} but seq ${header.seq} is a ${header.type}, not a key-rotate`,
        });
      }
      return;
    }
    if (entry.body === undefined) {
      if (!asserted) {
        throw new ParleyError('PARLEY_E_KEY_HISTORY', {
          party: header.author,
          reason: `key-rotate at seq ${header.seq} withheld and no key follows it`,
        });
      }
      return;
    }
    const { newKey, proof } = entry.body as { newKey: string; proof: string };
    checkRotationProof(
      { channel: header.channel, author: header.author, seq: header.seq, oldKey: header.key, newKey },
      proof,
    );
    this.#o.keys.rotate(header.author, header.seq, newKey);
  }
}

/**
 * `{ ...entry, flags, duplicate: false }`, written out: a spread followed by
 * more members takes V8's slow path, and this runs once per entry.
 */
function acceptedEntry({ id, hash, header, headerText, sig, body }: CheckedEntry, flags: EntryFlag[]): AcceptedEntry {
  return body === undefined
    ? { id, hash, header, headerText, sig, flags, duplicate: false }
    : { id, hash, header, headerText, sig, body, flags, duplicate: false };
}
