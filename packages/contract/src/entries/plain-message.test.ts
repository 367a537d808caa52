import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { limits } from '../limits.js';
import { examples } from './examples.js';
import { messageBody } from './hotline.js';
import { findNonJson } from './plain-json.js';
import { plainMessage } from './plain-message.js';

type Json = Record<string, unknown>;

/** What the schema path of validateBody says of a message body. */
const schemaAccepts = (body: unknown) => findNonJson(body) === null && messageBody.safeParse(body).success;

const plain = (): Json => {
  const { translation: _, ...rest } = structuredClone(examples.message) as Json;
  return { ...rest, attachments: [] };
};

const hostile: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  '\u3000',
  '\u00a0',
  'a\nb',
  'a\tb',
  'a\rb',
  '\u0085',
  'a\u2028b',
  'a\u007fb',
  '\ud800',
  'x'.repeat(limits.shortText),
  'x'.repeat(limits.shortText + 1),
  'x'.repeat(limits.longText + 1),
  'en',
  'zh-Hans',
  'EN',
  'e',
  'FLASH',
  'flash',
  'A'.repeat(43),
  'A'.repeat(42),
  'B'.repeat(43),
  0,
  -1,
  1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '1',
  true,
  false,
  {},
  [],
  [{}],
  [undefined],
  new Date(0),
  Object.create(null),
  Object.create({ x: 1 }),
];

/** Every body made by setting, deleting or adding one member of `base` (top level and release). */
function mutants(base: Json): Json[] {
  const out: Json[] = [];
  const fields = [...Object.keys(base), 'replyTo', 'translation', 'extra', '__proto__'];
  for (const field of fields) {
    const deleted = structuredClone(base);
    delete deleted[field];
    out.push(deleted);
    for (const value of hostile) out.push({ ...structuredClone(base), [field]: value });
  }
  for (const field of ['drafter', 'releaser', 'emergency', 'extra']) {
    const deleted = structuredClone(base);
    delete (deleted.release as Json)[field];
    out.push(deleted);
    for (const value of hostile) {
      const m = structuredClone(base);
      (m.release as Json)[field] = value;
      out.push(m);
    }
  }
  const withSymbol = structuredClone(base);
  (withSymbol as Record<symbol, unknown>)[Symbol('x')] = 1;
  out.push(withSymbol, JSON.parse(`{"__proto__":1,${JSON.stringify(base).slice(1)}`));
  return out;
}

describe('plainMessage, the fast path of message bodies', () => {
  const bases: Json[] = [
    plain(),
    { ...plain(), replyTo: 'A'.repeat(43) },
    { ...plain(), release: { drafter: 'Lt. Chen', emergency: true } },
    { ...plain(), release: { drafter: 'Lt. Chen', releaser: 'Maj. Ortiz', emergency: false } },
    { ...plain(), subject: '请求举行视频通话', text: '第一行\n\t第二行', language: 'zh-Hans-CN' },
  ];

  it('takes the common shapes, which the schema accepts too', () => {
    for (const base of bases) {
      assert.equal(plainMessage(base), true, JSON.stringify(base));
      assert.equal(schemaAccepts(base), true);
    }
  });

  it('leaves attachments and translations to the schema', () => {
    assert.equal(plainMessage(examples.message), false);
    assert.equal(schemaAccepts(examples.message), true);
  });

  it('accepts nothing the schema refuses, over every single-member mutation', () => {
    let [taken, refused] = [0, 0];
    for (const base of bases) {
      for (const mutant of mutants(base)) {
        if (plainMessage(mutant)) {
          taken++;
          assert.equal(schemaAccepts(mutant), true, `fast path took what the schema refuses: ${String(mutant)}`);
        } else if (!schemaAccepts(mutant)) refused++;
      }
    }
    // Both verdicts occur, so the comparison above compared something.
    assert.ok(taken > 20 && refused > 200, `taken ${taken}, refused ${refused}`);
  });

  it('accepts nothing the schema refuses, for random members', () => {
    const keys = [...Object.keys(plain()), 'replyTo', 'translation'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything({ withNullPrototype: true }), (key, value) => {
        const body = { ...plain(), [key]: value };
        if (plainMessage(body)) assert.equal(schemaAccepts(body), true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.constantFrom('drafter', 'releaser', 'emergency'), fc.anything(), (key, value) => {
        const body = plain();
        (body.release as Json)[key] = value;
        if (plainMessage(body)) assert.equal(schemaAccepts(body), true);
      }),
      { numRuns: 1000 },
    );
  });
});
