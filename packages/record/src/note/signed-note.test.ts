import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ed25519Signer } from '../crypto/ed25519.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { signerFor, throwsCode, throwsOneOf } from './_util.js';
import { makeVkey, parseNote, serializeNote, signNote, verifyNote, withSignature } from './index.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/signed-note/c2sp-examples.json', import.meta.url), 'utf8'),
) as { valid: { vkey: string; note: string }[] };

// golang.org/x/mod/sumdb/note package documentation: a signer key and the note it signs.
const GO_SEED = fromBase64('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz').slice(1);
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const NOTE_CODES = ['PARLEY_E_NOTE', 'PARLEY_E_NOTE_SIGNATURE'] as const;

describe('signed note: published vectors', () => {
  for (const { vkey, note } of vectors.valid) {
    it(`verifies the C2SP example signed by ${vkey.split('+')[0]}`, () => {
      const parsed = verifyNote(note, vkey);
      assert.equal(parsed.text, 'This is an example message.\n');
      assert.equal(serializeNote(parsed), note);
    });

    it('refuses the C2SP example with any byte of the text changed', () => {
      const bytes = Buffer.from(note, 'utf8');
      const textBytes = Buffer.byteLength(parseNote(note).text, 'utf8');
      for (let i = 0; i < textBytes; i++) {
        const copy = Buffer.from(bytes);
        copy[i] = copy[i]! ^ 0x01;
        throwsOneOf(() => verifyNote(new Uint8Array(copy), vkey), NOTE_CODES, `text byte ${i}`);
      }
    });

    it('refuses the C2SP example with any byte of the signature changed', () => {
      const parsed = parseNote(note);
      const sig = parsed.signatures[0]!;
      const raw = fromBase64(note.slice(note.lastIndexOf(' ') + 1, -1));
      for (let i = 0; i < raw.byteLength; i++) {
        const copy = raw.slice();
        copy[i] = copy[i]! ^ 0x80;
        const tampered = `${parsed.text}\n— ${sig.name} ${toBase64(copy)}\n`;
        throwsCode(() => verifyNote(tampered, vkey), 'PARLEY_E_NOTE_SIGNATURE');
      }
    });
  }

  it('signs exactly as golang.org/x/mod/sumdb/note does', () => {
    const signer = Ed25519Signer.fromSeed(GO_SEED);
    assert.equal(makeVkey('PeterNeumann', signer), GO_VKEY);
    assert.equal(signNote({ text: GO_TEXT }, signer, 'PeterNeumann'), GO_NOTE);
    assert.equal(verifyNote(GO_NOTE, GO_VKEY).text, GO_TEXT);
  });
});

describe('signed note: sign and verify', () => {
  const alice = signerFor('alice');
  const bob = signerFor('bob');
  const aliceVkey = makeVkey('example.org/alice', alice);
  const bobVkey = makeVkey('example.org/bob', bob);

  it('round-trips text with empty lines and non-ASCII characters', () => {
    const text = 'première ligne\n\n— not a signature\n\u00a0\u2028 end\n';
    const signed = signNote({ text }, alice, 'example.org/alice');
    const note = verifyNote(signed, aliceVkey);
    assert.equal(note.text, text);
    assert.equal(serializeNote(note), signed);
  });

  it('keeps unknown signatures and verifies each key independently', () => {
    const once = signNote({ text: 'hello\n' }, alice, 'example.org/alice');
    const twice = signNote(parseNote(once), bob, 'example.org/bob');
    assert.equal(verifyNote(twice, aliceVkey).signatures.length, 2);
    assert.equal(verifyNote(twice, bobVkey).signatures.length, 2);
    throwsCode(() => verifyNote(once, bobVkey), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('replaces an earlier signature by the same key instead of adding a second', () => {
    const once = signNote({ text: 'hello\n' }, alice, 'example.org/alice');
    const again = signNote(parseNote(once), alice, 'example.org/alice');
    assert.equal(parseNote(again).signatures.length, 1);
  });

  it('ignores a signature whose name matches but key id does not, and vice versa', () => {
    const signed = parseNote(signNote({ text: 'hello\n' }, alice, 'example.org/alice'));
    const sig = signed.signatures[0]!;
    const wrongId = serializeNote({ text: signed.text, signatures: [{ ...sig, keyId: sig.keyId ^ 1 }] });
    throwsCode(() => verifyNote(wrongId, aliceVkey), 'PARLEY_E_NOTE_SIGNATURE');
    const wrongName = serializeNote({ text: signed.text, signatures: [{ ...sig, name: 'example.org/alicf' }] });
    throwsCode(() => verifyNote(wrongName, aliceVkey), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('refuses the note when one of two signatures by the known key is bad', () => {
    const signed = parseNote(signNote({ text: 'hello\n' }, alice, 'example.org/alice'));
    const sig = signed.signatures[0]!;
    const bad = { ...sig, signature: sig.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const note = serializeNote({ text: signed.text, signatures: [sig, bad] });
    throwsCode(() => verifyNote(note, aliceVkey), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('refuses a signature by another key under the known name and key id', () => {
    const forged = parseNote(signNote({ text: 'hello\n' }, bob, 'example.org/bob')).signatures[0]!;
    const keyId = parseNote(signNote({ text: 'x\n' }, alice, 'example.org/alice')).signatures[0]!.keyId;
    const note = serializeNote(withSignature({ text: 'hello\n' }, { ...forged, name: 'example.org/alice', keyId }));
    throwsCode(() => verifyNote(note, aliceVkey), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('refuses to sign text without a final newline or under a bad name', () => {
    throwsCode(() => signNote({ text: 'hello' }, alice, 'example.org/alice'), 'PARLEY_E_NOTE', 'newline');
    throwsCode(() => signNote({ text: 'hello\n' }, alice, 'has space'), 'PARLEY_E_ENCODING');
    throwsCode(() => signNote({ text: 'a\rb\n' }, alice, 'example.org/alice'), 'PARLEY_E_NOTE', 'U\\+000D');
  });
});
