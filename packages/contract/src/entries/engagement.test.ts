import { describe, it } from 'node:test';
import { assertRefused, type BadCase, drop, set } from './_util.js';
import { examples } from './examples.js';

const [slot] = examples.request.slots;
const external = { url: 'http://eng.mod.gov.cn/', retrievedAt: '2023-12-22T00:00:00.000Z' };
const imported = (visibility: string, url: string) => (b: Record<string, unknown>) => {
  Object.assign(b, { external: true, visibility, externalSource: { ...external, url } });
};

const cases: BadCase[] = [
  ['request', set('slots[1].start', '2023-12-22T13:00:00Z'), 'slots[1].start', 'UTC time'],
  ['request', set('slots[1].start', '2023-02-30T13:00:00.000Z'), 'slots[1].start', 'UTC time'],
  ['request', set('slots[0].timeZone', 'EST'), 'slots[0].timeZone', 'IANA'],
  ['request', set('slots[0].durationMinutes', 0), 'slots[0].durationMinutes', '>=1'],
  ['request', set('slots', [slot, slot]), 'slots[1]', 'duplicate slot'],
  [
    'request',
    set(
      'slots',
      Array.from({ length: 11 }, () => slot),
    ),
    'slots',
    '<=10',
  ],
  ['request', set('slots', []), 'slots', '>=1'],
  ['request', set('kind', 'summit'), 'kind', 'video-teleconference'],
  ['request', set('principals.responder[0].party', 'PLA'), 'principals.responder[0].party', 'party id'],
  ['request', set('deadline', '2024-01-01T00:00:00.000Z'), 'deadline', 'after every proposed slot'],
  ['request', set('agenda', []), 'agenda', '>=1'],
  ['request-accept', set('slot', 10), 'slot', '<=9'],
  ['request-decline', set('reason', ''), 'reason', 'not blank'],
  ['request-counter', set('slots[0].start', 'tomorrow'), 'slots[0].start', 'UTC time'],
  ['request-withdraw', drop('request'), 'request', 'required'],
  ['meeting', set('medium', 'in-person'), 'location', 'in-person'],
  ['meeting', set('participants', []), 'participants', '>=1'],
  ['meeting-confirm', set('meeting', 42), 'meeting', 'expected string'],
  ['meeting-postpone', set('newSlots', []), 'newSlots', '>=1'],
  ['meeting-cancel', set('reason', 'a'.repeat(513)), 'reason', '<=512'],
  ['readout', set('visibility', 'secret'), 'visibility', 'public'],
  ['readout', set('external', true), 'external', 'go together'],
  ['readout', imported('public', 'ftp://mod.gov.cn/x'), 'externalSource.url', 'http(s) URL'],
  ['readout', imported('internal', external.url), 'visibility', 'external readout is public'],
];

describe('engagement bodies', () => {
  for (const c of cases) it(`${c[0]} refuses a bad ${c[2]}`, () => assertRefused(c));
});
