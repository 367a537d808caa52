import type { Charter, Precedence } from '@parley/contract';
import { ParleyError } from '@parley/contract';
import { type Person, requirePermission } from './person.js';

/** What a message body records of its release (contract: hotline `release`). */
export interface Release {
  drafter: string;
  releaser?: string;
  emergency: boolean;
}

export interface ReleaseRequest {
  charter: Pick<Charter, 'twoPersonRelease'>;
  precedence: Precedence;
  drafter: Person;
  /** Who sends it now: the drafter (a direct send) or a second user releasing the draft. */
  releaser: Person;
  /** A single-person release of a precedence under two-person release. */
  emergency: boolean;
}

/** Whether the charter puts this precedence under two-person release. */
export function needsSecondPerson(charter: Pick<Charter, 'twoPersonRelease'>, precedence: Precedence): boolean {
  return charter.twoPersonRelease.includes(precedence);
}

/**
 * The release policy. Precedences the charter names in `twoPersonRelease`
 * are released by a different user holding `releaser`, or alone by a
 * releaser as an emergency (flagged in the record). Other precedences are
 * sent by their drafter, or released by a releaser if someone else drafted
 * them. Returns the `release` field to record; anything else throws
 * PARLEY_E_FORBIDDEN with the reason.
 */
export function decideRelease(r: ReleaseRequest): Release {
  const { drafter, releaser, precedence } = r;
  if (drafter.user !== releaser.user) {
    if (r.emergency)
      forbid(`an emergency release is by one person alone; ${releaser.user} is releasing a draft by ${drafter.user}`);
    requirePermission(drafter, 'messages.draft', `draft a ${precedence} message`);
    requirePermission(releaser, 'messages.release', `release a draft by ${drafter.user}`);
    return { drafter: drafter.user, releaser: releaser.user, emergency: false };
  }
  if (!needsSecondPerson(r.charter, precedence)) {
    if (r.emergency) forbid(`${precedence} is not under two-person release: send it without an emergency release`);
    requirePermission(drafter, 'messages.draft', `draft a ${precedence} message`);
    return { drafter: drafter.user, emergency: false };
  }
  if (!r.emergency)
    forbid(
      `${precedence} is under two-person release (charter): a different user holding the releaser role must release it, or a releaser may release it alone as an emergency`,
    );
  requirePermission(drafter, 'messages.release', `release a ${precedence} message alone in an emergency`);
  return { drafter: drafter.user, emergency: true };
}

function forbid(reason: string): never {
  throw new ParleyError('PARLEY_E_FORBIDDEN', { reason });
}
