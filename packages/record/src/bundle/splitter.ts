import { limits, ParleyError } from '@parley/contract';

/** What to keep while splitting: the entries, or everything else. */
export type SplitMode = 'meta' | 'entries';

export interface SplitSink {
  /** A top-level member other than `entries`, as raw JSON bytes (mode 'meta'). */
  member?(key: string, value: Uint8Array): void;
  /** One element of the top-level `entries` array, as raw JSON bytes (mode 'entries'). */
  entry?(value: Uint8Array, index: number): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

type State = 'start' | 'key' | 'colon' | 'value' | 'comma' | 'array' | 'array-comma' | 'done';

/**
 * Splits a bundle's bytes, fed in chunks of any size, into its top-level
 * members and the elements of its `entries` array, without building values.
 * Each piece is then parsed by the strict parser (duplicate keys, lone
 * surrogates and all), so streaming loses none of its checks. It only finds
 * the extent of each value; malformed content is left for the parser to name.
 *
 * @example
 * const splitter = new BundleSplitter('entries', { entry: (bytes, i) => check(parseJson(bytes), i) });
 * for await (const chunk of stream) splitter.push(chunk);
 * splitter.end();
 */
export class BundleSplitter {
  readonly #mode: SplitMode;
  readonly #sink: SplitSink;
  #state: State = 'start';
  #key = '';
  #first = true;
  readonly #seen = new Set<string>();
  #parts: Uint8Array[] = [];
  #size = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #inValue = false;
  #keep = false;
  #entries = 0;
  #sawEntries = false;
  #offset = 0;

  constructor(mode: SplitMode, sink: SplitSink) {
    this.#mode = mode;
    this.#sink = sink;
  }

  /** True once a top-level `entries` array was met. */
  get sawEntries(): boolean {
    return this.#sawEntries;
  }

  /** Bytes consumed so far (for progress). */
  get offset(): number {
    return this.#offset;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#inValue) i = this.#scanValue(chunk, i);
      else i = this.#structure(chunk, i);
    }
    this.#offset += chunk.length;
  }

  end(): void {
    if (this.#state !== 'done') this.#fail('unexpected end of file');
  }

  #fail(reason: string): never {
    throw new ParleyError('PARLEY_E_JSON_SYNTAX', { offset: this.#offset, reason });
  }

  /** Handles one structural byte between values; returns the next index. */
  #structure(chunk: Uint8Array, i: number): number {
    const c = chunk[i]!;
    if (WS.has(c)) return i + 1;
    switch (this.#state) {
      case 'start':
        if (c !== 0x7b) this.#fail('a bundle is a JSON object');
        this.#state = 'key';
        return i + 1;
      case 'key':
        if (c === 0x7d && this.#first) return this.#finish(i);
        if (c !== QUOTE) this.#fail('expected a member name');
        return this.#beginValue(chunk, i, true);
      case 'colon':
        if (c !== 0x3a) this.#fail('expected ":"');
        this.#state = 'value';
        return i + 1;
      case 'value':
        if (this.#key === 'entries') {
          if (c !== 0x5b) this.#fail('entries must be an array');
          this.#sawEntries = true;
          this.#state = 'array';
          return i + 1;
        }
        return this.#beginValue(chunk, i, this.#mode === 'meta');
      case 'comma':
        if (c === 0x7d) return this.#finish(i);
        if (c !== 0x2c) this.#fail('expected "," or "}"');
        this.#state = 'key';
        return i + 1;
      case 'array':
        if (c === 0x5d) return this.#afterArray(i);
        return this.#beginValue(chunk, i, this.#mode === 'entries');
      case 'array-comma':
        if (c === 0x5d) return this.#afterArray(i);
        if (c !== 0x2c) this.#fail('expected "," or "]" in entries');
        this.#state = 'array';
        return i + 1;
      default:
        return this.#fail('unexpected data after the bundle');
    }
  }

  #finish(i: number): number {
    this.#state = 'done';
    return i + 1;
  }

  #afterArray(i: number): number {
    this.#state = 'comma';
    return i + 1;
  }

  #beginValue(chunk: Uint8Array, i: number, keep: boolean): number {
    this.#inValue = true;
    this.#keep = keep || this.#state === 'key';
    this.#parts = [];
    this.#size = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    return this.#scanValue(chunk, i);
  }

  /** Scans bytes of the current value until it ends; returns the next index. */
  #scanValue(chunk: Uint8Array, start: number): number {
    let i = start;
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === BACKSLASH) this.#escaped = true;
        else if (c === QUOTE) {
          this.#inString = false;
          if (this.#depth === 0) return this.#endValue(chunk, start, i + 1);
        }
      } else if (c === QUOTE) this.#inString = true;
      else if (OPEN.has(c)) this.#depth++;
      else if (CLOSE.has(c)) {
        if (this.#depth === 0) return this.#endValue(chunk, start, i);
        if (--this.#depth === 0) return this.#endValue(chunk, start, i + 1);
      } else if (this.#depth === 0 && (c === 0x2c || WS.has(c))) return this.#endValue(chunk, start, i);
    }
    this.#take(chunk.subarray(start));
    return i;
  }

  #take(bytes: Uint8Array): void {
    if (!this.#keep || bytes.length === 0) return;
    this.#size += bytes.length;
    const limit = this.#state === 'array' ? limits.headerBytes + limits.bodyBytes + 1024 : 256 * 1024 * 1024;
    if (this.#size > limit)
      throw new ParleyError('PARLEY_E_OVERSIZE', { what: 'bundle element', size: this.#size, limit });
    this.#parts.push(bytes.slice());
  }

  #endValue(chunk: Uint8Array, start: number, end: number): number {
    this.#take(chunk.subarray(start, end));
    this.#inValue = false;
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    this.#parts = [];
    if (this.#state === 'key') {
      this.#key = JSON.parse(Buffer.from(bytes).toString('utf8')) as string;
      if (this.#seen.has(this.#key)) {
        throw new ParleyError('PARLEY_E_JSON_DUPLICATE_KEY', { key: this.#key, offset: this.#offset });
      }
      this.#seen.add(this.#key);
      this.#first = false;
      this.#state = 'colon';
    } else if (this.#state === 'array') {
      if (this.#keep) this.#sink.entry?.(bytes, this.#entries);
      this.#entries++;
      this.#state = 'array-comma';
    } else {
      if (this.#keep) this.#sink.member?.(this.#key, bytes);
      this.#state = 'comma';
    }
    return end;
  }
}
