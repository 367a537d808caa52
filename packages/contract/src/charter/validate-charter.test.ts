import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drop, set } from '../entries/_util.js';
import { charterFailure, keys, newCharter } from './_util.js';
import { validateCharter } from './validate-charter.js';

type Cases = [name: string, change: Parameters<typeof charterFailure>[0], reason: RegExp][];

const cases: Cases = [
  ['an unknown field', set('admin', 'us-js'), /^admin: unknown field$/],
  ['another version', set('v', 2), /^v: /],
  ['a missing default', drop('markings'), /^markings: required$/],
  ['one member', (c) => void c.members.pop(), /^members: .*>=2/],
  ['unsorted members', (c) => void c.members.reverse(), /^members\[1\]\.id: members are sorted by id/],
  [
    'a duplicate member',
    (c) => void c.members.push(structuredClone(c.members[1]!)),
    /^members\[2\]\.id: members are sorted by id, without duplicates$/,
  ],
  ['a shared key', set('members[1].key', keys['cn-jsd']), /^members\[1\]\.key: another member has this key$/],
  ['a bad key', set('members[0].key', 'abc'), /^members\[0\]\.key: expected a public key/],
  ['a bad name language', set('members[0].names', { Chinese: '联合参谋部' }), /^members\[0\]\.names\.Chinese: bad key/],
  ['no names', set('members[0].names', {}), /^members\[0\]\.names: expected a name/],
  ['a bad nonce', set('nonce', 'nonce'), /^nonce: /],
  ['duplicate languages', (c) => void c.languages.push('en'), /^languages\[2\]: duplicate language en$/],
  ['no markings', set('markings', []), /^markings: /],
  ['an unknown precedence', set('twoPersonRelease', ['URGENT']), /^twoPersonRelease\[0\]: /],
  [
    'a slower FLASH than IMMEDIATE',
    set('handlingTargets.FLASH', 60),
    /^handlingTargets\.IMMEDIATE: a target is no shorter than FLASH's$/,
  ],
  ['an answer after the next check', set('linkChecks.answerWithinMinutes', 61), /^linkChecks\.answerWithinMinutes: /],
  ['a fractional interval', set('linkChecks.intervalMinutes', 0.5), /^linkChecks\.intervalMinutes: /],
  ['a level 6 mechanism', (c) => void c.mechanisms.push(mechanism({ level: 6 })), /^mechanisms\[0\]\.level: /],
  [
    'a counterpart who is not a member',
    (c) => void c.mechanisms.push(mechanism({ counterparts: [{ party: 'ru-gs', principal: 'Chief' }] })),
    /^mechanisms\[0\]\.counterparts\[0\]\.party: not a member$/,
  ],
  [
    'duplicate mechanisms',
    (c) => void c.mechanisms.push(mechanism({}), mechanism({})),
    /^mechanisms\[1\]\.id: duplicate mechanism dtl$/,
  ],
  [
    'a glossary term in one language',
    (c) => void c.glossary.push({ terms: { en: 'hotline' } }),
    /^glossary\[0\]\.terms: expected the term in at least two languages$/,
  ],
  [
    'a glossary term in a foreign language',
    (c) => void c.glossary.push({ terms: { en: 'hotline', ru: 'горячая линия' } }),
    /^glossary\[0\]\.terms\.ru: not a language of the channel$/,
  ],
  [
    'duplicate notification formats',
    (c) => void c.notificationFormats.push(structuredClone(c.notificationFormats[0]!)),
    /^notificationFormats\[3\]\.id: duplicate format major-military-activity$/,
  ],
  [
    'a format whose schema is not JSON Schema',
    set('notificationFormats[1].schema', {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'obj',
    }),
    /^notificationFormats\[1\]\.schema: not a JSON Schema \(draft 2020-12\): \/type: unknown type obj$/,
  ],
];

function mechanism(over: Record<string, unknown>) {
  const base = {
    id: 'dtl',
    names: { en: 'Defense Telephone Link', 'zh-Hans': '国防部直通电话' },
    level: 2,
    kinds: ['call', 'video-teleconference'],
    counterparts: [{ party: 'us-js', principal: 'Secretary of Defense' }],
  };
  return { ...base, ...over } as never;
}

describe('validateCharter', () => {
  for (const [name, change, reason] of cases) it(`refuses ${name}`, () => assert.match(charterFailure(change), reason));

  it('takes a mechanism with its own answer deadline and a bilingual glossary', () => {
    const charter = newCharter();
    charter.mechanisms.push(mechanism({ answerDeadlineHours: 24 }));
    charter.glossary.push({ terms: { en: 'hotline', 'zh-Hans': '直通电话' }, note: 'DTL' });
    assert.deepEqual(validateCharter(charter), charter);
  });
});
