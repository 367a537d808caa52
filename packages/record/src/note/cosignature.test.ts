import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ed25519Signer } from '../crypto/ed25519.js';
import { concatBytes, utf8 } from '../crypto/hash.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { hashOf, signerFor, throwsCode } from './_util.js';
import { cosignatureTime } from './algorithms.js';
import {
  cosignatureMessage,
  cosignCheckpoint,
  cosignerVkey,
  feedOrigin,
  makeVkey,
  parseCheckpoint,
  parseNote,
  serializeNote,
  signCheckpoint,
  verifyCheckpoint,
  verifyCosignature,
} from './index.js';

const origin = feedOrigin('chan', 'us-js');
const author = signerFor('us-js');
const member = signerFor('cn-jsd');
const memberName = 'parley/chan/cn-jsd';
const checkpoint = signCheckpoint({ origin, size: 20852163, root: hashOf('root') }, author);
const T = 1679315147;

describe('cosignatures', () => {
  it('signs the spec message: header, time line, then the checkpoint body', () => {
    const body = parseCheckpoint(checkpoint).text;
    assert.equal(Buffer.from(cosignatureMessage(T, body)).toString(), `cosignature/v1\ntime 1679315147\n${body}`);
    const line = parseNote(cosignCheckpoint(checkpoint, member, memberName, T)).signatures[1]!;
    assert.equal(line.signature.byteLength, 8 + 64);
    assert.equal(cosignatureTime(line.signature), BigInt(T));
    const expected = member.sign(utf8.encode(`cosignature/v1\ntime ${T}\n${body}`));
    assert.deepEqual(line.signature.subarray(8), expected);
  });

  it('reads the timestamp where transparency-dev writes it', () => {
    const raw = fromBase64(
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
    );
    assert.equal(cosignatureTime(raw.subarray(4)), 1727964367n);
  });

  it('round-trips, keeps the author signature, and accepts the plain vkey too', () => {
    const cosigned = cosignCheckpoint(checkpoint, member, memberName, T);
    assert.equal(verifyCosignature(cosigned, cosignerVkey(memberName, member)).timestamp, T);
    assert.equal(verifyCosignature(cosigned, makeVkey(memberName, member)).timestamp, T);
    verifyCheckpoint(cosigned, makeVkey(origin, author));
  });

  it('is not a plain note signature, and a plain note signature is not a cosignature', () => {
    const cosigned = cosignCheckpoint(checkpoint, member, memberName, T);
    throwsCode(() => verifyCheckpoint(cosigned, makeVkey(memberName, member)), 'PARLEY_E_NOTE_SIGNATURE');
    const plain = signCheckpoint({ origin, size: 20852163, root: hashOf('root') }, member, memberName);
    throwsCode(() => verifyCosignature(plain, cosignerVkey(memberName, member)), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('breaks when the timestamp, the body or the signature changes', () => {
    const note = parseNote(cosignCheckpoint(checkpoint, member, memberName, T));
    const vkey = cosignerVkey(memberName, member);
    const [authorSig, cosig] = note.signatures as [(typeof note.signatures)[0], (typeof note.signatures)[0]];
    const retimed = cosig.signature.slice();
    retimed[7] = retimed[7]! ^ 1;
    throwsCode(
      () =>
        verifyCosignature(
          serializeNote({ text: note.text, signatures: [authorSig, { ...cosig, signature: retimed }] }),
          vkey,
        ),
      'PARLEY_E_NOTE_SIGNATURE',
    );
    for (const i of [8, 40, 71]) {
      const sig = cosig.signature.slice();
      sig[i] = sig[i]! ^ 1;
      const tampered = serializeNote({ text: note.text, signatures: [{ ...cosig, signature: sig }] });
      throwsCode(() => verifyCosignature(tampered, vkey), 'PARLEY_E_NOTE_SIGNATURE');
    }
    const moved = serializeNote({ text: note.text.replace('20852163', '20852164'), signatures: [cosig] });
    throwsCode(() => verifyCosignature(moved, vkey), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('refuses a valid Ed25519 signature over a timestamp above 2^63 - 1', () => {
    const note = parseNote(checkpoint);
    const time = Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0);
    const sig = member.sign(cosignatureMessage(1n << 63n, note.text));
    const id = parseNote(cosignCheckpoint(checkpoint, member, memberName, T)).signatures[1]!.keyId;
    const forged = serializeNote({
      text: note.text,
      signatures: [{ name: memberName, keyId: id, signature: concatBytes(time, sig) }],
    });
    throwsCode(() => verifyCosignature(forged, cosignerVkey(memberName, member)), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('replaces its own earlier cosignature and reports the new time', () => {
    const once = cosignCheckpoint(checkpoint, member, memberName, T);
    const twice = cosignCheckpoint(once, member, memberName, T + 60);
    assert.equal(parseNote(twice).signatures.length, 2);
    assert.equal(verifyCosignature(twice, cosignerVkey(memberName, member)).timestamp, T + 60);
  });

  it('collects cosignatures from several members', () => {
    const witnesses = ['a', 'b', 'c'].map((label) => [`w/${label}`, signerFor(label)] as const);
    let note = checkpoint;
    for (const [name, signer] of witnesses) note = cosignCheckpoint(note, signer, name, T);
    for (const [name, signer] of witnesses) verifyCosignature(note, cosignerVkey(name, signer));
    throwsCode(() => verifyCosignature(note, cosignerVkey('w/d', Ed25519Signer.generate())), 'PARLEY_E_NOTE_SIGNATURE');
  });

  it('refuses bad timestamps and non-checkpoints', () => {
    for (const t of [-1, 1.5, 2 ** 53, Number.NaN]) {
      throwsCode(() => cosignCheckpoint(checkpoint, member, memberName, t), 'PARLEY_E_NOTE', 'timestamp');
    }
    const notCheckpoint = `hello\n\n\u2014 x ${toBase64(new Uint8Array(68))}\n`;
    throwsCode(() => cosignCheckpoint(notCheckpoint, member, memberName, T), 'PARLEY_E_NOTE');
  });
});
