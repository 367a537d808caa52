import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signerFor, throwsCode } from './_util.js';
import { isValidKeyName, keyIdHex, makeVkey, noteKeyId, parseVkey, SignatureType } from './index.js';

describe('verifier keys', () => {
  it('parses the C2SP example key and recomputes its key id', () => {
    const key = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    assert.equal(key.name, 'example.com/foo');
    assert.equal(keyIdHex(key.keyId), '530d903a');
    assert.equal(key.type, SignatureType.ed25519);
    assert.equal(noteKeyId(key.name, key.type, key.publicKey), key.keyId);
  });

  it('parses transparency-dev keys: a "+" inside the base64, and a cosigner (0x04) key', () => {
    const plain = parseVkey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    assert.equal(plain.name, 'TEST');
    const cosigner = parseVkey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    assert.equal(cosigner.type, SignatureType.cosignatureV1);
  });

  it('round-trips made keys of both types, with distinct key ids', () => {
    const signer = signerFor('alice');
    const note = parseVkey(makeVkey('example.org/alice', signer));
    const cosign = parseVkey(makeVkey('example.org/alice', signer.publicKey, SignatureType.cosignatureV1));
    assert.deepEqual(note.publicKey, signer.publicKey);
    assert.deepEqual(cosign.publicKey, signer.publicKey);
    assert.notEqual(note.keyId, cosign.keyId);
  });

  it('accepts an upper-case key id, as the Go parser does', () => {
    parseVkey('example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
  });

  const bad: [string, string][] = [
    ['too few parts', 'bananas.sigstore.dev+12344556'],
    ['bad base64', 'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!'],
    ['unknown signature type', 'rekor.sigstore.dev+12345678+AwEB'],
    ['non-hex key id', 'example.com/foo+NOT_A_NUMBER+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['wrong key id', 'example.com/foo+00000000+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['other name, same key', 'example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['short key id', 'example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['empty name', '+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['name with a space', 'example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['short public key', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U0='],
    ['empty key', 'example.com/foo+530d903a+'],
  ];
  for (const [label, vkey] of bad) {
    it(`refuses a key with ${label}`, () => throwsCode(() => parseVkey(vkey), 'PARLEY_E_ENCODING'));
  }

  it('judges names as C2SP does', () => {
    for (const name of ['example.com/log42', 'parley/abc/us-js', 'ünïcode', 'a']) assert.ok(isValidKeyName(name), name);
    for (const name of ['', 'a+b', 'a b', 'a\tb', 'a\u00a0b', 'a\u0085b', 'a\u2003b', 'a\nb', 'a\u0001b']) {
      assert.ok(!isValidKeyName(name), JSON.stringify(name));
    }
    throwsCode(() => makeVkey('a b', signerFor('alice')), 'PARLEY_E_ENCODING');
    throwsCode(() => makeVkey('ok', new Uint8Array(31)), 'PARLEY_E_ENCODING');
  });
});
