import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isParleyError } from '../errors/index.js';
import { keys, newCharter } from './_util.js';
import { charterDefaults, defaultCharter } from './default-charter.js';
import { validateCharter } from './validate-charter.js';

describe('defaultCharter', () => {
  it("fills DESIGN.md's defaults", () => {
    const charter = newCharter();
    assert.equal(charter.v, 1);
    assert.deepEqual(charter.markings, ['UNCLASSIFIED']);
    assert.deepEqual(charter.handlingTargets, { FLASH: 10, IMMEDIATE: 30, PRIORITY: 180, ROUTINE: 360 });
    assert.deepEqual(charter.twoPersonRelease, ['FLASH', 'IMMEDIATE']);
    assert.equal(charter.answerDeadlineHours, 48);
    assert.deepEqual(charter.linkChecks, { intervalMinutes: 60, operatorEvery: 4, answerWithinMinutes: 10 });
    assert.equal(charter.skewAllowanceMs, 300_000);
    assert.deepEqual(charter.mechanisms, []);
    assert.deepEqual(charter.glossary, []);
    assert.deepEqual(
      charter.notificationFormats.map((f) => f.id),
      ['major-military-activity', 'missile-launch', 'exercise'],
    );
  });

  it('sorts members by id and takes languages from their names', () => {
    const charter = newCharter();
    assert.deepEqual(
      charter.members.map((m) => m.id),
      ['cn-jsd', 'us-js'],
    );
    assert.deepEqual(charter.languages, ['en', 'zh-Hans']);
  });

  it('is plain JSON, passes validation, and shares nothing with the defaults', () => {
    const charter = newCharter();
    assert.deepEqual(JSON.parse(JSON.stringify(charter)), charter);
    assert.deepEqual(validateCharter(charter), charter);
    charter.markings.push('SECRET');
    charter.notificationFormats[0]!.ackWithinHours = 2;
    assert.deepEqual(newCharter().markings, ['UNCLASSIFIED']);
    assert.equal(newCharter().notificationFormats[0]!.ackWithinHours, 24);
    assert.deepEqual(charterDefaults.markings, ['UNCLASSIFIED']);
  });

  it('throws PARLEY_E_CHARTER for a proposer who is not a member', () => {
    assert.throws(
      () =>
        defaultCharter({
          name: 'x',
          proposer: 'ru-gs',
          createdAt: '2023-12-01T00:00:00.000Z',
          nonce: '4TzJy33OWFoLBth3p7Dkow',
          members: [
            { id: 'us-js', names: { en: 'US' }, key: keys['us-js'] },
            { id: 'cn-jsd', names: { en: 'CN' }, key: keys['cn-jsd'] },
          ],
        }),
      (error) =>
        isParleyError(error, 'PARLEY_E_CHARTER') && error.details.reason === 'proposer: the proposer is a member',
    );
  });
});
