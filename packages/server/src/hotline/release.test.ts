import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { charterDefaults, isParleyError, type Precedence, precedences, type Role } from '@parley/contract';
import { decideRelease, needsSecondPerson, type Release } from './release.js';

const charter = { twoPersonRelease: [...charterDefaults.twoPersonRelease] };
const roleSets: Role[][] = [
  [],
  ['operator'],
  ['releaser'],
  ['operator', 'releaser'],
  ['translator', 'analyst', 'admin'],
];

/** The policy as a table, written out independently of the code under test. */
function expected(
  twoPerson: boolean,
  same: boolean,
  emergency: boolean,
  drafter: Role[],
  releaser: Role[],
): Release | RegExp {
  const drafts = drafter.includes('operator');
  if (same && !twoPerson && !emergency) return drafts ? { drafter: 'ann', emergency: false } : /ann may not draft/;
  if (same && !twoPerson && emergency) return /not under two-person release/;
  if (same && twoPerson && !emergency) return /under two-person release \(charter\): a different user/;
  if (same && twoPerson && emergency)
    return drafter.includes('releaser')
      ? { drafter: 'ann', emergency: true }
      : /alone in an emergency: that needs the releaser role/;
  if (emergency) return /an emergency release is by one person alone/;
  if (!drafts) return /ann may not draft/;
  return releaser.includes('releaser')
    ? { drafter: 'ann', releaser: 'bob', emergency: false }
    : /bob may not release a draft by ann: that needs the releaser role/;
}

describe('release policy', () => {
  it('puts exactly the charter’s precedences under two-person release', () => {
    assert.deepEqual(
      precedences.filter((p) => needsSecondPerson(charter, p)),
      ['FLASH', 'IMMEDIATE'],
    );
    assert.deepEqual(
      precedences.filter((p) => needsSecondPerson({ twoPersonRelease: ['ROUTINE'] }, p)),
      ['ROUTINE'],
    );
  });

  for (const precedence of precedences as readonly Precedence[]) {
    const twoPerson = needsSecondPerson(charter, precedence);
    it(`decides every case for ${precedence} (${twoPerson ? 'two-person' : 'drafter may send'})`, () => {
      let cases = 0;
      for (const same of [true, false])
        for (const emergency of [false, true])
          for (const drafterRoles of roleSets)
            for (const releaserRoles of same ? [drafterRoles] : roleSets) {
              const drafter = { user: 'ann', roles: drafterRoles };
              const releaser = same ? drafter : { user: 'bob', roles: releaserRoles };
              const want = expected(twoPerson, same, emergency, drafterRoles, releaserRoles);
              const label = JSON.stringify({ precedence, same, emergency, drafterRoles, releaserRoles });
              cases++;
              if (want instanceof RegExp) {
                assert.throws(
                  () => decideRelease({ charter, precedence, drafter, releaser, emergency }),
                  (e: unknown) => isParleyError(e, 'PARLEY_E_FORBIDDEN') && want.test(e.message),
                  label,
                );
              } else {
                assert.deepEqual(decideRelease({ charter, precedence, drafter, releaser, emergency }), want, label);
              }
            }
      assert.equal(cases, 2 * 5 + 2 * 25);
    });
  }

  it('follows the charter, not a fixed list', () => {
    const routineTwoPerson = { twoPersonRelease: ['ROUTINE' as const] };
    const ann = { user: 'ann', roles: ['operator' as const] };
    assert.throws(
      () =>
        decideRelease({
          charter: routineTwoPerson,
          precedence: 'ROUTINE',
          drafter: ann,
          releaser: ann,
          emergency: false,
        }),
      /forbidden: ROUTINE is under two-person release/,
    );
    assert.deepEqual(
      decideRelease({ charter: routineTwoPerson, precedence: 'FLASH', drafter: ann, releaser: ann, emergency: false }),
      { drafter: 'ann', emergency: false },
    );
  });

  it('says why, with the roles held', () => {
    const ann = { user: 'ann', roles: ['analyst' as const] };
    assert.throws(
      () => decideRelease({ charter, precedence: 'ROUTINE', drafter: ann, releaser: ann, emergency: false }),
      {
        message: 'forbidden: ann may not draft a ROUTINE message: that needs the operator role (holds analyst)',
      },
    );
  });
});
