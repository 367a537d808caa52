/** Test helpers for charters: a valid one to change, and the reason validateCharter gives. */
import assert from 'node:assert/strict';
import { isParleyError } from '../errors/index.js';
import type { Charter } from './charter-schema.js';
import { defaultCharter } from './default-charter.js';
import { validateCharter } from './validate-charter.js';

export const keys = {
  'cn-jsd': '6qNwZeikIQfhMRFZa_OYMchWizBVS2SS_Yxzjat3FR4',
  'us-js': '4GCk6HQy6sjaxY1dX3N_eNHfUcQfzjWgS8Jgm_oE4j8',
} as const;

export function newCharter(): Charter {
  return defaultCharter({
    name: 'US–PRC Defense Telephone Link',
    proposer: 'us-js',
    createdAt: '2023-12-01T00:00:00.000Z',
    nonce: '4TzJy33OWFoLBth3p7Dkow',
    members: [
      { id: 'us-js', names: { en: 'Joint Staff (USA)' }, key: keys['us-js'] },
      {
        id: 'cn-jsd',
        names: { 'zh-Hans': '中央军委联合参谋部', en: 'CMC Joint Staff Department' },
        key: keys['cn-jsd'],
      },
    ],
  });
}

/** The reason of the PARLEY_E_CHARTER that a changed charter raises. */
export function charterFailure(change: (charter: Charter) => void): string {
  const charter = newCharter();
  change(charter);
  try {
    validateCharter(charter);
  } catch (error) {
    assert.ok(isParleyError(error, 'PARLEY_E_CHARTER'), String(error));
    return String(error.details.reason);
  }
  assert.fail('the charter passed');
}
