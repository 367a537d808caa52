import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryHeaderSchema, isParleyError } from '@parley/contract';
import fc from 'fast-check';
import { sha256 } from '../crypto/hash.js';
import { toBase64url } from '../encoding/base64.js';
import { canonicalBytes } from '../jcs/canonicalize.js';
import { makeFeed } from '../test-util/factory.js';
import { checkEntryForm } from './check.js';

const [sample] = makeFeed(1);
const sig = sample!.sig;

const b64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => toBase64url(bytes));
const party = fc.oneof(fc.constantFrom('us-js', 'cn-jsd', '12', 'a'), fc.stringMatching(/^[a-z0-9-]{2,32}$/));
const twoDigits = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const time = fc
  .tuple(
    fc.constantFrom('0000', '1900', '2000', '2023', '2024', '2100', '9999'),
    twoDigits(13),
    twoDigits(32),
    twoDigits(25),
    twoDigits(61),
    twoDigits(61),
  )
  .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.123Z`);
const seq = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, Number.NaN));
/** A valid value most of the time, anything at all otherwise. */
const or = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });

const header = fc.record(
  {
    v: or(fc.constant(1)),
    channel: or(b64),
    author: or(party),
    seq: or(seq),
    prev: or(fc.option(b64, { freq: 2 })),
    time: or(time),
    type: or(fc.stringMatching(/^[a-z][a-z-]{0,39}$/)),
    heads: or(fc.dictionary(party, or(fc.record({ seq: or(seq), id: or(b64) })), { maxKeys: 3 })),
    refs: or(
      fc.oneof(
        fc.array(b64, { maxLength: 3 }),
        b64.map((r) => [r, r]),
      ),
    ),
    body: or(b64),
    key: or(b64),
    extra: fc.anything(),
  },
  { requiredKeys: ['v', 'channel', 'author', 'seq', 'prev', 'time', 'type', 'heads', 'refs', 'body', 'key'] },
);

/** Asserts that checkEntryForm judges `h` as entryHeaderSchema does: same refusal, or same header and id. */
function judgedAsTheSchemaDoes(h: unknown): void {
  const expected = entryHeaderSchema.safeParse(h);
  let checked: ReturnType<typeof checkEntryForm> | undefined;
  let error: unknown;
  try {
    checked = checkEntryForm({ header: h, sig });
  } catch (e) {
    error = e;
  }
  if (!expected.success) {
    assert.ok(error !== undefined, 'accepted what the schema refuses');
    const issue = expected.error.issues[0]!;
    // A symbol in the issue path cannot be named; JSON never has one.
    if (issue.path.some((step) => typeof step === 'symbol')) return;
    assert.ok(isParleyError(error, 'PARLEY_E_HEADER'), String(error));
    assert.equal(error.details.reason, `${['header', ...issue.path].join('.')}: ${issue.message}`);
    return;
  }
  assert.ok(checked, `refused what the schema accepts: ${String(error)}`);
  assert.equal(JSON.stringify(checked.header), JSON.stringify(expected.data));
  assert.equal(checked.id, toBase64url(sha256(canonicalBytes(expected.data))));
}

const withHidden = <T extends object>(value: T, key: PropertyKey, member: unknown): T =>
  Object.defineProperty({ ...value }, key, { value: member, enumerable: false });

describe('checkEntryForm', () => {
  it('accepts exactly the headers the contract schema accepts, returning its output and id', () => {
    fc.assert(fc.property(header, judgedAsTheSchemaDoes), { numRuns: 3000 });
  });

  it('judges odd objects as the schema does: bare and class prototypes, symbol and hidden keys', () => {
    const h = sample!.header;
    const head = { seq: 1, id: sample!.id };
    class Header {}
    const odd = [
      Object.assign(Object.create(null), h),
      Object.assign(new Header(), h),
      Object.assign(Object.create({ inherited: 1 }), h),
      { ...h, [Symbol('x')]: 1 },
      withHidden(h, 'hidden', 1),
      { ...h, heads: { [Symbol('x')]: head } },
      { ...h, heads: withHidden({}, 'cn-jsd', head) },
      { ...h, heads: withHidden({}, 'cn-jsd', 5) },
      { ...h, heads: { 'cn-jsd': { ...head, [Symbol('x')]: 1 } } },
      { ...h, heads: { 'cn-jsd': withHidden(head, 'hidden', 1) } },
      { ...h, heads: { 'cn-jsd': Object.assign(new Header(), head) } },
    ];
    for (const header of odd) judgedAsTheSchemaDoes(header);
  });
});
