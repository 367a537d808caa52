import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorCode, isParleyError, type PeerCard } from '@parley/contract';
import { canonicalBytes, type JsonValue, sha256, toBase64url, verifyEd25519 } from '@parley/record';
import { caIdentity, cardFor, oddIdentity, signers, tlsIdentities } from './_util.js';
import { signCard, verifyCard } from './peer-card.js';
import type { TlsIdentity } from './tls-certificate.js';

const tls = tlsIdentities();
const us = await tls('us-js');
const signed = signCard(cardFor('us-js', us), signers['us-js']);

function refused(value: unknown, code: ErrorCode, reason?: RegExp, now?: Date): void {
  assert.throws(
    () => verifyCard(value, now ? { now } : {}),
    (e) => isParleyError(e, code) && (!reason || reason.test(String(e.details.reason))),
  );
}

/** The card with its TLS part changed, signed again (validly) by `signer`. */
function resigned(tlsPart: Partial<PeerCard['tls']>, signer = signers['us-js']) {
  const card = { ...signed.card, tls: { ...signed.card.tls, ...tlsPart } };
  return { card, sig: toBase64url(signer.sign(signedMessage(card))) };
}

function certOf(tls: TlsIdentity): PeerCard['tls'] {
  return { cert: tls.certPem, fingerprint: tls.fingerprint };
}

function signedMessage(card: PeerCard): Uint8Array {
  return Buffer.concat([Buffer.from('parley/card/v1\n'), sha256(canonicalBytes(card as unknown as JsonValue))]);
}

describe('peer cards', () => {
  it('verifies a card it signed', () => {
    assert.deepEqual(verifyCard(JSON.parse(JSON.stringify(signed))), signed.card);
  });

  it('signs parley/card/v1\\n || SHA-256(JCS(card)) with the identity key', () => {
    const sig = Buffer.from(signed.sig, 'base64url');
    assert.ok(verifyEd25519(signers['us-js'].publicKey, signedMessage(signed.card), sig));
  });

  it('refuses a tampered field', () => {
    refused(
      { ...signed, card: { ...signed.card, endpoints: ['https://evil.example:8443'] } },
      'PARLEY_E_CARD_SIGNATURE',
    );
    refused({ ...signed, card: { ...signed.card, names: { en: 'Someone else' } } }, 'PARLEY_E_CARD_SIGNATURE');
  });

  it('refuses a signature by another key', () => {
    refused(resigned({}, signers['cn-jsd']), 'PARLEY_E_CARD_SIGNATURE');
    refused({ ...signed, sig: signCard(cardFor('cn-jsd', us), signers['cn-jsd']).sig }, 'PARLEY_E_CARD_SIGNATURE');
  });

  it('refuses a fingerprint that is not the certificate’s', async () => {
    const other = await tls('us-js#other');
    refused(
      resigned({ fingerprint: other.fingerprint }),
      'PARLEY_E_CARD_CERT',
      /^fingerprint is not the SHA-256 of the certificate$/,
    );
  });

  it('refuses a CA certificate', async () => {
    const ca = await caIdentity('us-js');
    refused(resigned(certOf(ca)), 'PARLEY_E_CARD_CERT', /CA/);
  });

  it('refuses a key on another curve', async () => {
    const p384 = await oddIdentity('us-js', { namedCurve: 'P-384' });
    refused(resigned(certOf(p384)), 'PARLEY_E_CARD_CERT', /^key is not ECDSA P-256$/);
  });

  it('refuses a PEM block that is not a certificate', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    refused(resigned({ cert }), 'PARLEY_E_CARD_CERT', /^not an X\.509 certificate$/);
  });

  it("refuses another party's certificate", async () => {
    const cn = await tls('cn-jsd');
    refused(resigned(certOf(cn)), 'PARLEY_E_CARD_CERT', /^subject is CN=cn-jsd, not CN=us-js$/);
  });

  it('refuses a certificate that has expired', () => {
    refused(signed, 'PARLEY_E_CARD_CERT', /^not valid now/, new Date(Date.now() + 11 * 365 * 24 * 3600 * 1000));
  });

  it('refuses a malformed card, naming the field', () => {
    refused({ ...signed, extra: 1 }, 'PARLEY_E_CARD', /^extra: unknown field$/);
    refused({ card: signed.card }, 'PARLEY_E_CARD', /^sig: required$/);
    refused(
      { ...signed, card: { ...signed.card, endpoints: ['http://link.example'] } },
      'PARLEY_E_CARD',
      /^card\.endpoints\[0\]: /,
    );
    refused('not a card', 'PARLEY_E_CARD');
  });

  it('signs only well-formed cards, with the key they name', () => {
    assert.throws(
      () => signCard(cardFor('us-js', us), signers['cn-jsd']),
      (e) => isParleyError(e, 'PARLEY_E_CARD') && /signer/.test(e.message),
    );
    assert.throws(
      () => signCard({ ...cardFor('us-js', us), endpoints: [] }, signers['us-js']),
      (e) => isParleyError(e, 'PARLEY_E_CARD') && /^peer card is invalid: endpoints: /.test(e.message),
    );
  });
});
