import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dtg } from './dtg.js';

describe('date-time group', () => {
  it('gives day, hour, minute, Z, month and year in UTC', () => {
    assert.equal(dtg('2023-12-21T13:05:00.000Z'), '211305Z DEC 23');
    assert.equal(dtg('2024-01-02T03:04:59.999Z'), '020304Z JAN 24');
    assert.equal(dtg('2000-02-29T23:59:00.000Z'), '292359Z FEB 00');
  });

  it('converts other offsets to UTC', () => {
    assert.equal(dtg('2023-12-22T05:05:00+08:00'), '212105Z DEC 23');
    assert.equal(dtg(Date.parse('2023-06-30T22:10:00.000Z')), '302210Z JUN 23');
  });

  it('refuses what is not a time', () => {
    assert.throws(() => dtg('yesterday'), { code: 'PARLEY_E_USAGE' });
  });
});
