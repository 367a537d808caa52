import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTargets } from './targets.js';

describe('handling targets on the command line', () => {
  it('reads minutes per precedence, in any case and order', () => {
    assert.deepEqual(parseTargets('FLASH=1, immediate=2,ROUTINE=600'), { FLASH: 1, IMMEDIATE: 2, ROUTINE: 600 });
    assert.deepEqual(parseTargets(''), {});
  });

  it('refuses what is not a precedence or not whole minutes', () => {
    for (const bad of ['URGENT=1', 'FLASH=0', 'FLASH=1.5', 'FLASH', 'FLASH=1=2', 'FLASH=x'])
      assert.throws(() => parseTargets(bad), { code: 'PARLEY_E_USAGE' }, bad);
  });
});
