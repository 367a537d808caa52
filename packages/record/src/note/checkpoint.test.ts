import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toBase64 } from '../encoding/base64.js';
import { hashOf, signerFor, throwsCode } from './_util.js';
import {
  feedOrigin,
  formatCheckpointBody,
  makeVkey,
  parseCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
} from './index.js';

const origin = feedOrigin('Ch4nn3l_id-x', 'us-js');
const author = signerFor('us-js');
const vkey = makeVkey(origin, author);
const root = hashOf('root');

describe('checkpoints', () => {
  it('writes the C2SP body and round-trips it', () => {
    const note = signCheckpoint({ origin, size: 20852163, root }, author);
    assert.ok(note.startsWith(`parley/Ch4nn3l_id-x/us-js\n20852163\n${toBase64(root)}\n\n\u2014 ${origin} `));
    const checkpoint = verifyCheckpoint(note, vkey, origin);
    assert.equal(checkpoint.size, 20852163);
    assert.deepEqual(checkpoint.root, root);
    assert.deepEqual(checkpoint.extensions, []);
  });

  it('keeps extension lines, signs them, and accepts sizes 0 and 2^53 - 1', () => {
    for (const size of [0, Number.MAX_SAFE_INTEGER]) {
      const note = signCheckpoint({ origin, size, root, extensions: ['ext one', 'ext two'] }, author);
      const checkpoint = verifyCheckpoint(note, vkey);
      assert.equal(checkpoint.size, size);
      assert.deepEqual(checkpoint.extensions, ['ext one', 'ext two']);
      throwsCode(() => verifyCheckpoint(note.replace('ext two', 'ext 2'), vkey), 'PARLEY_E_NOTE_SIGNATURE');
    }
  });

  it('refuses a wrong origin, a wrong key, and a cosigner key', () => {
    const note = signCheckpoint({ origin, size: 1, root }, author);
    throwsCode(() => verifyCheckpoint(note, vkey, feedOrigin('Ch4nn3l_id-x', 'cn-jsd')), 'PARLEY_E_NOTE', 'origin');
    throwsCode(() => verifyCheckpoint(note, makeVkey(origin, signerFor('other'))), 'PARLEY_E_NOTE_SIGNATURE');
    throwsCode(() => verifyCheckpoint(note, makeVkey(origin, author, 0x04)), 'PARLEY_E_ENCODING');
  });

  const body = (size: string, rootLine = toBase64(root), more = '') => `${origin}\n${size}\n${rootLine}\n${more}`;
  const bad: [string, string, string][] = [
    ['a leading zero', body('012'), 'leading zeros'],
    ['a lone "00"', body('00'), 'leading zeros'],
    ['a negative size', body('-1'), 'not a decimal'],
    ['a plus sign', body('+1'), 'not a decimal'],
    ['a hex size', body('0x10'), 'not a decimal'],
    ['an exponent', body('1e3'), 'not a decimal'],
    ['a fraction', body('1.5'), 'not a decimal'],
    ['spaces around the size', body(' 1'), 'not a decimal'],
    ['full-width digits', body('\uff11'), 'not a decimal'],
    ['a size of 2^53', body('9007199254740992'), 'over 2\\^53'],
    ['a 400-digit size', body('9'.repeat(400)), 'over 2\\^53'],
    ['a 31-byte root', body('1', toBase64(root.subarray(1))), '32 bytes'],
    ['a 33-byte root', body('1', toBase64(new Uint8Array(33))), '32 bytes'],
    ['a base64url root', body('1', Buffer.from(root).toString('base64url')), '32 bytes'],
    ['an empty extension line', body('1', toBase64(root), '\next\n'), 'line 4 is empty'],
    ['an empty origin', `\n1\n${toBase64(root)}\n`, 'line 1 is empty'],
    ['two lines only', `${origin}\n1\n`, 'needs origin'],
  ];
  for (const [label, text, reason] of bad) {
    it(`refuses ${label}`, () => {
      throwsCode(() => parseCheckpointBody(text), 'PARLEY_E_NOTE', reason);
      // Properly signed, it is still refused: the signature does not make a malformed body valid.
      throwsCode(() => verifyCheckpoint(signNote({ text }, author, origin), vkey), 'PARLEY_E_NOTE', reason);
    });
  }

  it('refuses to format what it would refuse to parse', () => {
    throwsCode(() => formatCheckpointBody({ origin: 'a\nb', size: 1, root }), 'PARLEY_E_NOTE');
    throwsCode(() => formatCheckpointBody({ origin, size: -1, root }), 'PARLEY_E_NOTE');
    throwsCode(() => formatCheckpointBody({ origin, size: 1.5, root }), 'PARLEY_E_NOTE');
    throwsCode(() => formatCheckpointBody({ origin, size: 2 ** 53, root }), 'PARLEY_E_NOTE');
    throwsCode(() => formatCheckpointBody({ origin, size: 1, root: root.subarray(1) }), 'PARLEY_E_NOTE');
    throwsCode(() => formatCheckpointBody({ origin, size: 1, root, extensions: [''] }), 'PARLEY_E_NOTE');
  });

  it('parses without verifying and keeps every signature', () => {
    const note = signCheckpoint({ origin, size: 5, root }, author);
    const checkpoint = parseCheckpoint(note);
    assert.equal(checkpoint.signatures.length, 1);
    assert.equal(checkpoint.text, formatCheckpointBody({ origin, size: 5, root }));
  });

  it('builds feed origins from checked ids', () => {
    assert.equal(feedOrigin('abc', 'us-js'), 'parley/abc/us-js');
    throwsCode(() => feedOrigin('a/b', 'us-js'), 'PARLEY_E_ENCODING');
    throwsCode(() => feedOrigin('abc', 'US JS'), 'PARLEY_E_ENCODING');
    throwsCode(() => feedOrigin('', 'us-js'), 'PARLEY_E_ENCODING');
  });
});
