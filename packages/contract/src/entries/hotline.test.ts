import { describe, it } from 'node:test';
import { assertRefused, type BadCase, drop, set } from './_util.js';
import { examples } from './examples.js';

const [attachment] = examples.message.attachments;

const cases: BadCase[] = [
  ['message', set('precedence', 'URGENT'), 'precedence', 'FLASH'],
  ['message', set('serial', 0), 'serial', '>=1'],
  ['message', set('serial', 1.5), 'serial', 'int'],
  ['message', set('language', 'zh-hans'), 'language', 'BCP 47'],
  ['message', set('subject', 'two\nlines'), 'subject', 'one line'],
  ['message', set('text', 'windows\r\nline'), 'text', 'newline'],
  ['message', set('replyTo', 'nope'), 'replyTo', 'entry id'],
  ['message', set('attachments[0].size', -1), 'attachments[0].size', '>=0'],
  ['message', set('attachments[0].name', '../etc/passwd'), 'attachments[0].name', 'file name'],
  ['message', set('attachments[0].contentType', 'PDF'), 'attachments[0].contentType', 'media type'],
  ['message', set('attachments', [attachment, attachment]), 'attachments[1]', 'duplicate attachment'],
  ['message', set('translation.language', 'en'), 'translation.language', 'another'],
  ['message', set('release.releaser', 'Capt. Miller'), 'release.releaser', 'not be the drafter'],
  ['message', set('release.emergency', true), 'release.releaser', 'emergency'],
  ['message', drop('release.emergency'), 'release.emergency', 'required'],
  ['message-ack', drop('by'), 'by', 'required'],
  ['message-unread', set('reason', 'ignored'), 'reason', 'discarded'],
  ['translation', set('official', false), 'official', 'true'],
];

describe('hotline bodies', () => {
  for (const c of cases) it(`${c[0]} refuses a bad ${c[2]}`, () => assertRefused(c));
});
