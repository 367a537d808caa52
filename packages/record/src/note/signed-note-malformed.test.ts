import { describe, it } from 'node:test';
import { toBase64 } from '../encoding/base64.js';
import { signerFor, throwsCode } from './_util.js';
import { noteLimits, parseNote, signNote } from './index.js';

const signed = signNote({ text: 'hello\n' }, signerFor('alice'), 'example.org/alice');
const sigLine = signed.slice(signed.indexOf('\u2014'));

describe('signed note: malformed input', () => {
  const cases: [string, string | Uint8Array, string][] = [
    ['no blank line', `hello\n${sigLine}`, 'no blank line'],
    ['no signature lines', 'hello\n\n', 'end with a newline'],
    ['missing trailing newline', signed.slice(0, -1), 'end with a newline'],
    ['a line that is not a signature', `${signed}not a signature\n`, 'does not start'],
    ['hyphen instead of em dash', signed.replace('\u2014', '-'), 'does not start'],
    ['bad base64', signed.replace(/ (\S+)\n$/, ' !!!!\n'), 'not base64'],
    ['base64 without padding', signed.replace(/=\n$/, '\n'), 'not base64'],
    ['non-canonical base64 bits', 'hello\n\n\u2014 k AAAAAAB=\n', 'not base64'],
    ['a signature of four bytes', `hello\n\n\u2014 k ${toBase64(new Uint8Array(4))}\n`, 'shorter'],
    ['no signature after the name', 'hello\n\n\u2014 example.org/alice\n', 'no signature'],
    ['empty key name', `hello\n\n\u2014  ${toBase64(new Uint8Array(8))}\n`, 'invalid key name'],
    ['key name with +', `hello\n\n\u2014 a+b ${toBase64(new Uint8Array(8))}\n`, 'invalid key name'],
    ['key name with a Unicode space', `hello\n\n\u2014 a\u3000b ${toBase64(new Uint8Array(8))}\n`, 'invalid key name'],
    ['CR line endings', signed.replaceAll('\n', '\r\n'), 'U\\+000D'],
    ['a tab in the text', `he\tllo\n\n${sigLine}`, 'U\\+0009'],
    ['a NUL byte', `he\0llo\n\n${sigLine}`, 'U\\+0000'],
    ['a lone surrogate', `he\uD800llo\n\n${sigLine}`, 'UTF-8'],
    ['invalid UTF-8 bytes', Uint8Array.of(0x68, 0xff, 0x0a, 0x0a, ...Buffer.from(sigLine)), 'UTF-8'],
    ['too many signature lines', `hello\n\n${sigLine.repeat(noteLimits.signatures + 1)}`, 'more than'],
    ['huge input', `${'a'.repeat(noteLimits.noteBytes)}\n\n${sigLine}`, 'over'],
    ['huge multi-byte input', `${'\u00e9'.repeat(noteLimits.noteBytes / 2)}\n\n${sigLine}`, 'over'],
    ['huge byte input', new Uint8Array(noteLimits.noteBytes + 1).fill(0x61), 'over'],
  ];
  for (const [label, input, reason] of cases) {
    it(`refuses ${label}`, () => throwsCode(() => parseNote(input), 'PARLEY_E_NOTE', reason));
  }

  it('accepts exactly the maximum number of signatures', () => {
    parseNote(`hello\n\n${sigLine.repeat(noteLimits.signatures)}`);
  });

  it('takes the last blank line as the separator', () => {
    const text = parseNote(`a\n\n\n${sigLine}`).text;
    if (text !== 'a\n\n') throw new Error(`text was ${JSON.stringify(text)}`);
  });
});
