import { describe, it } from 'node:test';
import { assertRefused, type BadCase, drop, set } from './_util.js';
import { exampleIds, examples } from './examples.js';

const { a } = exampleIds;
const note = examples.checkpoint.note;
const cosigned = examples.cosign.checkpoint;

const cases: BadCase[] = [
  ['charter-amend', set('charter.members[1].key', 'short'), 'charter.members[1].key', 'public key'],
  ['charter-amend', drop('summary'), 'summary', 'required'],
  ['charter-accept', set('charterHash', `${a}=`), 'charterHash', 'SHA-256'],
  ['key-rotate', set('proof', a), 'proof', '86-char base64url of 64 bytes'],
  ['key-rotate', set('newKey', `${a.slice(0, 42)}B`), 'newKey', 'public key'],
  ['mechanism-suspend', set('mechanism', 'MMCA'), 'mechanism', 'expected an id'],
  ['mechanism-suspend', set('effective', '2022-08-05'), 'effective', 'UTC time'],
  ['mechanism-resume', set('note', ' '), 'note', 'not blank'],
  ['checkpoint', set('size', 41), 'size', 'differs from the note'],
  ['checkpoint', set('root', 'uYWoSs5ck6DHuzm0_lm47Qa_P7QoeB69L6xOxwlOMD8'), 'root', 'base64 root'],
  ['checkpoint', set('note', note.replace('\n\n', '\n')), 'note', 'signed note'],
  ['checkpoint', set('note', note.replace('parley/', 'sigsum/')), 'note', 'signed note'],
  ['cosign', set('checkpoint', cosigned.replace('\u2014', '-')), 'checkpoint', 'signed note'],
  ['cosign', set('for', 'US'), 'for', 'party id'],
  ['receipt', set('note', ''), 'note', 'not blank'],
  ['link-check', set('kind', 'person'), 'kind', 'node'],
  ['link-check', set('answerWithinSeconds', 0), 'answerWithinSeconds', '>=1'],
  ['link-check', set('nonce', a), 'nonce', '22-char'],
  ['link-check-answer', set('check', 'seq-12'), 'check', 'entry id'],
];

describe('channel bodies', () => {
  for (const c of cases) it(`${c[0]} refuses a bad ${c[2]}`, () => assertRefused(c));
});
