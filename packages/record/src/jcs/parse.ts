import { limits, ParleyError } from '@parley/contract';

/** A JSON value as the strict parser returns it and the canonicaliser takes it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses JSON strictly (RFC 8259), refusing what has no canonical form:
 * duplicate keys, lone surrogates, numbers outside the double range, invalid
 * UTF-8, a byte-order mark, trailing data and nesting beyond `limits.jsonDepth`.
 * Every refusal is a ParleyError naming the offset.
 *
 * @example
 * parseJson('{"a":1,"a":2}'); // throws PARLEY_E_JSON_DUPLICATE_KEY
 */
export function parseJson(input: string | Uint8Array, maxDepth: number = limits.jsonDepth): JsonValue {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = decoder.decode(input);
    } catch {
      throw new ParleyError('PARLEY_E_JSON_SYNTAX', { offset: 0, reason: 'invalid UTF-8' });
    }
  }
  return nativeParse(text, maxDepth) ?? new Parser(text, maxDepth).document();
}

/**
 * The fast path: the engine's own JSON.parse, whose result is taken only when
 * writing it back with JSON.stringify gives the text exactly. Then the text
 * had no duplicate key (the parse would have dropped a member), no
 * whitespace, no number or escape written in another form than the one the
 * strict parser's result would be written in, so both parsers give the same
 * value, provided it is no deeper than `maxDepth` and holds no lone
 * surrogate (JSON.stringify writes one as a `\udxxx` escape, as nothing
 * else). A compact sender — every Parley node — always takes this path;
 * anything else goes to the strict parser, which names the fault.
 */
function nativeParse(text: string, maxDepth: number): JsonValue | undefined {
  try {
    const value = JSON.parse(text) as JsonValue;
    if (JSON.stringify(value) !== text || text.includes('\\ud') || !within(value, maxDepth)) return undefined;
    return value;
  } catch {
    return undefined; // malformed, or too deep for the engine: the strict parser says which
  }
}

/** True when no object or array of `value` is nested deeper than `maxDepth` (the top one is depth 1). */
function within(value: JsonValue, maxDepth: number, depth = 1): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > maxDepth) return false;
  if (Array.isArray(value)) {
    for (const item of value)
      if (typeof item === 'object' && item !== null && !within(item, maxDepth, depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    const item = value[key]!;
    if (typeof item === 'object' && item !== null && !within(item, maxDepth, depth + 1)) return false;
  }
  return true;
}

class Parser {
  readonly #text: string;
  readonly #maxDepth: number;
  #pos = 0;

  constructor(text: string, maxDepth: number) {
    this.#text = text;
    this.#maxDepth = maxDepth;
  }

  document(): JsonValue {
    this.#ws();
    const value = this.#value(0);
    this.#ws();
    if (this.#pos !== this.#text.length) this.#fail('unexpected data after the value');
    return value;
  }

  #fail(reason: string): never {
    throw new ParleyError('PARLEY_E_JSON_SYNTAX', { offset: this.#pos, reason });
  }

  #ws(): void {
    const t = this.#text;
    let c = t.charCodeAt(this.#pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.#pos);
  }

  #value(depth: number): JsonValue {
    const c = this.#text.charCodeAt(this.#pos);
    if (c === 0x22) return this.#string();
    if (c === 0x7b) return this.#object(depth + 1);
    if (c === 0x5b) return this.#array(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
    if (this.#text.startsWith('true', this.#pos)) return this.#literal(4, true);
    if (this.#text.startsWith('false', this.#pos)) return this.#literal(5, false);
    if (this.#text.startsWith('null', this.#pos)) return this.#literal(4, null);
    return this.#fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
  }

  #literal<T>(length: number, value: T): T {
    this.#pos += length;
    return value;
  }

  #enter(depth: number): void {
    if (depth > this.#maxDepth) throw new ParleyError('PARLEY_E_JSON_DEPTH', { limit: this.#maxDepth });
    this.#pos++;
    this.#ws();
  }

  #object(depth: number): { [key: string]: JsonValue } {
    this.#enter(depth);
    const out: { [key: string]: JsonValue } = {};
    const seen = new Set<string>();
    if (this.#text.charCodeAt(this.#pos) === 0x7d) {
      this.#pos++;
      return out;
    }
    for (;;) {
      if (this.#text.charCodeAt(this.#pos) !== 0x22) this.#fail('expected a string key');
      const keyOffset = this.#pos;
      const key = this.#string();
      if (seen.has(key)) throw new ParleyError('PARLEY_E_JSON_DUPLICATE_KEY', { key, offset: keyOffset });
      seen.add(key);
      this.#ws();
      if (this.#text.charCodeAt(this.#pos) !== 0x3a) this.#fail('expected ":"');
      this.#pos++;
      this.#ws();
      const value = this.#value(depth);
      // defineProperty keeps a "__proto__" key an ordinary own property.
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.#ws();
      const c = this.#text.charCodeAt(this.#pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.#fail('expected "," or "}"');
      this.#ws();
    }
  }

  #array(depth: number): JsonValue[] {
    this.#enter(depth);
    const out: JsonValue[] = [];
    if (this.#text.charCodeAt(this.#pos) === 0x5d) {
      this.#pos++;
      return out;
    }
    for (;;) {
      out.push(this.#value(depth));
      this.#ws();
      const c = this.#text.charCodeAt(this.#pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.#fail('expected "," or "]"');
      this.#ws();
    }
  }

  #number(): number {
    const start = this.#pos;
    const match = NUMBER.exec(this.#text.slice(start, start + 512));
    if (!match) return this.#fail('malformed number');
    this.#pos += match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value)) {
      throw new ParleyError('PARLEY_E_JSON_NUMBER', { where: `offset ${start}`, reason: 'outside the double range' });
    }
    return value;
  }

  #string(): string {
    const t = this.#text;
    const start = ++this.#pos;
    let out = '';
    let chunk = start;
    for (;;) {
      const c = t.charCodeAt(this.#pos);
      if (c === 0x22) break;
      if (Number.isNaN(c)) this.#fail('unterminated string');
      if (c < 0x20) this.#fail('control character in string');
      if (c === 0x5c) {
        out += t.slice(chunk, this.#pos) + this.#escape();
        chunk = this.#pos;
      } else {
        this.#pos++;
      }
    }
    out += t.slice(chunk, this.#pos++);
    if (!out.isWellFormed()) throw new ParleyError('PARLEY_E_JSON_LONE_SURROGATE', { where: `offset ${start - 1}` });
    return out;
  }

  #escape(): string {
    const c = this.#text[this.#pos + 1];
    this.#pos += 2;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        return c;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.#text.slice(this.#pos, this.#pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.#fail('bad \\u escape');
        this.#pos += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      default:
        this.#pos -= 2;
        return this.#fail('bad escape');
    }
  }
}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;
