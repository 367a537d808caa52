import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drop, set } from '../entries/_util.js';
import { isParleyError } from '../errors/index.js';
import type { PeerCard, SignedPeerCard } from './card-schema.js';
import { parseCard, parseSignedCard } from './validate-card.js';

const card: PeerCard = {
  v: 1,
  party: 'us-js',
  names: { en: 'US Joint Staff', 'zh-Hans': '美国参谋长联席会议' },
  key: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik',
  tls: {
    cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    fingerprint: 'a'.repeat(64),
  },
  endpoints: ['https://link.us-js.example:8443', 'https://[2001:db8::1]:8443', 'https://203.0.113.7'],
  issuedAt: '2026-01-02T03:04:05.000Z',
};
const signed: SignedPeerCard = { card, sig: 'A'.repeat(86) };
const privateKeyPem = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
const nine = Array.from({ length: 9 }, (_, i) => `https://h${i}.example`);

/** The reason PARLEY_E_CARD gives for `card` changed by `change`. */
function reason(change: (c: Record<string, unknown>) => void): string {
  const copy = structuredClone(card) as unknown as Record<string, unknown>;
  change(copy);
  try {
    parseCard(copy);
  } catch (error) {
    assert.ok(isParleyError(error, 'PARLEY_E_CARD'), String(error));
    return String(error.details.reason);
  }
  assert.fail('the card passed');
}

describe('peer card schema', () => {
  it('takes a well-formed card, signed or not', () => {
    assert.deepEqual(parseCard(card), card);
    assert.deepEqual(parseSignedCard(signed), signed);
  });

  const cases: [string, (c: Record<string, unknown>) => void, RegExp][] = [
    ['an unknown field', set('admin', true), /^admin: unknown field$/],
    ['another version', set('v', 2), /^v: /],
    ['a bad party id', set('party', 'US_JS'), /^party: expected a party id/],
    ['no names', set('names', {}), /^names: expected a name in at least one language$/],
    ['a bad key', set('key', 'abc'), /^key: expected a public key/],
    ['no fingerprint', drop('tls.fingerprint'), /^tls\.fingerprint: required$/],
    ['an upper-case fingerprint', set('tls.fingerprint', 'A'.repeat(64)), /^tls\.fingerprint: /],
    ['a private key for a cert', set('tls.cert', privateKeyPem), /^tls\.cert: expected one PEM certificate/],
    ['no endpoints', set('endpoints', []), /^endpoints: /],
    ['nine endpoints', set('endpoints', nine), /^endpoints: /],
    ['plain http', set('endpoints', ['http://link.example:8080']), /^endpoints\[0\]: expected https:\/\/host:port/],
    ['a path', set('endpoints', ['https://link.example:8443/link']), /^endpoints\[0\]: /],
    ['an upper-case host', set('endpoints', ['https://Link.example:8443']), /^endpoints\[0\]: /],
    ['credentials', set('endpoints', ['https://user:pw@link.example:8443']), /^endpoints\[0\]: /],
    [
      'a duplicate endpoint',
      set('endpoints', ['https://a.example', 'https://a.example']),
      /^endpoints\[1\]: duplicate/,
    ],
    ['a local time', set('issuedAt', '2026-01-02T03:04:05+01:00'), /^issuedAt: /],
  ];
  for (const [name, change, expected] of cases) it(`refuses ${name}`, () => assert.match(reason(change), expected));

  it('refuses a signed card without a signature, or with extras', () => {
    assert.throws(() => parseSignedCard({ card }), /sig: required/);
    assert.throws(() => parseSignedCard({ ...signed, note: 'hi' }), /note: unknown field/);
  });
});
