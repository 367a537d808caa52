import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isParleyError } from '@parley/contract';
import fc from 'fast-check';
import { listVectors, readVector } from '../test-util/vectors.js';
import { canonicalBytes, canonicalize, canonicalizeGeneral } from './canonicalize.js';
import { parseJson } from './parse.js';

describe('RFC 8785 vectors', () => {
  const inputs = listVectors('jcs/input');
  it('has vectors to run', () => assert.ok(inputs.length >= 6));
  for (const input of inputs) {
    const name = input.slice('jcs/input/'.length);
    it(`canonicalises ${name}`, () => {
      const expected = readVector(`jcs/output/${name}`).replace(/\n$/, '');
      assert.equal(canonicalize(parseJson(readVector(input))), expected);
    });
  }
});

describe('canonicalize', () => {
  it('sorts members by UTF-16 code units, not code points', () => {
    // U+10000 is D800 DC00 in UTF-16, which sorts before U+FFFF.
    assert.equal(canonicalize({ '\uffff': 1, '\u{10000}': 2 }), '{"\u{10000}":2,"\uffff":1}');
  });
  it('writes numbers in ECMAScript form', () => {
    assert.equal(
      canonicalize([-0, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53]),
      '[0,1e+21,1e-7,0.30000000000000004,9007199254740992]',
    );
  });
  it('refuses non-finite numbers', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(
        () => canonicalize({ a: [n] }),
        (e) => isParleyError(e, 'PARLEY_E_JSON_NUMBER') && /\$\.a\[0\]/.test(e.message),
      );
    }
  });
  it('refuses lone surrogates in values and keys', () => {
    assert.throws(
      () => canonicalize({ a: '\ud800' }),
      (e) => isParleyError(e, 'PARLEY_E_JSON_LONE_SURROGATE'),
    );
    assert.throws(
      () => canonicalize({ '\udc00': 1 }),
      (e) => isParleyError(e, 'PARLEY_E_JSON_LONE_SURROGATE'),
    );
  });
  it('refuses values without a JSON form', () => {
    for (const bad of [undefined, () => 1, 1n, Symbol('s'), new Date(0), new Map(), new Uint8Array(1)]) {
      assert.throws(
        () => canonicalize({ x: bad }),
        (e) => isParleyError(e, 'PARLEY_E_JSON_VALUE'),
      );
    }
  });
  it('refuses cycles by depth', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    assert.throws(
      () => canonicalize(a),
      (e) => isParleyError(e, 'PARLEY_E_JSON_DEPTH'),
    );
  });
  it('keeps a __proto__ member as data', () => {
    const parsed = parseJson('{"__proto__":{"x":1},"a":2}');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(canonicalize(parsed), '{"__proto__":{"x":1},"a":2}');
  });
  it('round-trips any JSON value through parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value);
        assert.equal(canonicalize(parseJson(text)), text);
        assert.equal(canonicalize(JSON.parse(text)), text);
      }),
      { numRuns: 300 },
    );
  });
  it('takes the fast path only where it writes exactly what the general canonicaliser writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.equal(canonicalize(value), canonicalizeGeneral(value));
        const sorted = JSON.parse(canonicalizeGeneral(value));
        assert.equal(canonicalize(sorted), canonicalizeGeneral(sorted));
      }),
      { numRuns: 500 },
    );
    assert.equal(canonicalize({ '10': 1, '9': 2, a: 3 }), '{"10":1,"9":2,"a":3}');
    assert.equal(canonicalize({ b: [1e21, -0], a: 'é' }), '{"a":"é","b":[1e+21,0]}');
  });

  it('agrees with JSON.stringify on sorted plain data', () => {
    assert.equal(canonicalize({ z: 'é\n"', a: [null, false] }), '{"a":[null,false],"z":"é\\n\\""}');
    assert.deepEqual([...canonicalBytes('€')], [0x22, 0xe2, 0x82, 0xac, 0x22]);
  });
});

describe('parseJson', () => {
  const refuses = (text: string | Uint8Array, code: Parameters<typeof isParleyError>[1]) =>
    assert.throws(
      () => parseJson(text),
      (e) => isParleyError(e, code),
    );

  it('refuses duplicate keys, naming the key', () => {
    assert.throws(
      () => parseJson('{"a":1,"b":{"c":1,"c":2}}'),
      (e) => isParleyError(e, 'PARLEY_E_JSON_DUPLICATE_KEY') && e.details.key === 'c',
    );
  });
  it('refuses duplicate keys that differ only by escaping', () =>
    refuses('{"a":1,"\\u0061":2}', 'PARLEY_E_JSON_DUPLICATE_KEY'));
  it('refuses lone surrogates in escapes', () => {
    refuses('"\\ud800"', 'PARLEY_E_JSON_LONE_SURROGATE');
    refuses('{"\\udfff":1}', 'PARLEY_E_JSON_LONE_SURROGATE');
    assert.equal(parseJson('"\\ud83d\\ude02"'), '😂');
  });
  it('refuses numbers outside the double range', () => {
    refuses('1e400', 'PARLEY_E_JSON_NUMBER');
    refuses('[-1e309]', 'PARLEY_E_JSON_NUMBER');
  });
  it('refuses invalid UTF-8 and a byte-order mark', () => {
    refuses(new Uint8Array([0x22, 0xc3, 0x28, 0x22]), 'PARLEY_E_JSON_SYNTAX');
    refuses(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]), 'PARLEY_E_JSON_SYNTAX');
  });
  it('refuses malformed JSON with an offset', () => {
    for (const bad of [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '01',
      '1.',
      '.5',
      '+1',
      'NaN',
      'Infinity',
      "'a'",
      '"a',
      '"\t"',
      '"\\x"',
      '[1] 2',
      'tru',
      '{"a" 1}',
      '"\\u12"',
    ]) {
      assert.throws(
        () => parseJson(bad),
        (e) => isParleyError(e, 'PARLEY_E_JSON_SYNTAX') && typeof e.details.offset === 'number',
        bad,
      );
    }
  });
  it('refuses nesting past the limit', () => {
    refuses('['.repeat(100) + ']'.repeat(100), 'PARLEY_E_JSON_DEPTH');
    assert.deepEqual(parseJson('[[[]]]'), [[[]]]);
  });
  it('parses what JSON.parse parses, identically', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        assert.deepEqual(parseJson(text), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
  // Compact text, as nodes send it, takes the native fast path (see nativeParse): same values, same refusals.
  it('parses compact text as the strict parser does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const outcome = (text: string) => {
          try {
            return { value: parseJson(text) };
          } catch (error) {
            return { code: (error as { code?: string }).code };
          }
        };
        assert.deepEqual(outcome(JSON.stringify(value)), outcome(JSON.stringify(value, null, 1)));
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(Object.keys(parseJson('{"__proto__":1,"a":2}') as object), ['__proto__', 'a']);
    refuses('[1,{"a":"\ud800"}]', 'PARLEY_E_JSON_LONE_SURROGATE');
    refuses('{"a":{"b":1,"b":1}}', 'PARLEY_E_JSON_DUPLICATE_KEY');
    assert.deepEqual(parseJson('"\\\\ud800"'), '\\ud800'); // an escaped backslash, not a surrogate
    const nested = (n: number) => `${'{"a":'.repeat(n - 1)}[]${'}'.repeat(n - 1)}`;
    assert.ok(parseJson(nested(64)));
    refuses(nested(65), 'PARLEY_E_JSON_DEPTH');
  });
});
