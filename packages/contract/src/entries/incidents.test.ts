import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRefused, type BadCase, drop, set } from './_util.js';
import { behaviourCodes, behaviourLabels } from './behaviours.js';

const cases: BadCase[] = [
  ['incident-report', set('position.lat', 91), 'position.lat', '<=90'],
  ['incident-report', set('position.lon', -180.5), 'position.lon', '>=-180'],
  ['incident-report', set('domain', 'land'), 'domain', 'air'],
  ['incident-report', drop('altitudeMeters'), 'altitudeMeters', 'air encounter'],
  ['incident-report', set('units.other', []), 'units.other', '>=1'],
  ['incident-report', set('units.reporter[0].name', ''), 'units.reporter[0].name', 'blank'],
  ['incident-report', set('units.reporter[0].callsign', 'DOOM'), 'units.reporter[0].callsign', 'unknown field'],
  ['incident-report', set('closestApproachMeters', -3), 'closestApproachMeters', '>=0'],
  ['incident-report', set('behaviours', ['buzzing']), 'behaviours[0]', 'close-approach'],
  ['incident-report', set('behaviours', ['other', 'other']), 'behaviours[1]', 'duplicate'],
  ['incident-report', set('behaviours', []), 'behaviours', '>=1'],
  ['incident-report', drop('attachments'), 'attachments', 'required'],
  ['incident-response', drop('account'), 'account', 'required to contest'],
  ['incident-response', set('response', 'deny'), 'response', 'contest'],
  ['incident-response', set('discussedAt', 'MMCA'), 'discussedAt', 'entry id'],
];

describe('incident bodies', () => {
  for (const c of cases) it(`${c[0]} refuses a bad ${c[2]}`, () => assertRefused(c));

  it('labels every behaviour in English and Simplified Chinese', () => {
    assert.deepEqual(Object.keys(behaviourLabels), [...behaviourCodes]);
    for (const label of Object.values(behaviourLabels)) {
      assert.ok(label.en.length > 0);
      assert.match(label['zh-Hans'], /\p{Script=Han}/u);
    }
  });
});
