import type { Precedence } from '../entries/common.js';
import type { Charter, CharterMember } from './charter-schema.js';
import { defaultNotificationFormats } from './notification-formats.js';
import { validateCharter } from './validate-charter.js';

/** DESIGN.md's defaults for what a new charter does not say otherwise. */
export const charterDefaults = {
  markings: ['UNCLASSIFIED'],
  /** Minutes for a person to acknowledge a message, per precedence. */
  handlingTargets: { FLASH: 10, IMMEDIATE: 30, PRIORITY: 180, ROUTINE: 360 },
  twoPersonRelease: ['FLASH', 'IMMEDIATE'] as Precedence[],
  answerDeadlineHours: 48,
  /** Hourly, as on the Washington–Moscow line; every 4th check goes to the operator on duty. */
  linkChecks: { intervalMinutes: 60, operatorEvery: 4, answerWithinMinutes: 10 },
  skewAllowanceMs: 5 * 60 * 1000,
} as const;

export interface NewCharter {
  readonly name: string;
  readonly members: readonly CharterMember[];
  readonly proposer: string;
  /** toISOString() form. */
  readonly createdAt: string;
  /** base64url of 16 random bytes, so that two channels of the same members differ. */
  readonly nonce: string;
  /** Default: the languages of the members' names, in the order first named. */
  readonly languages?: readonly string[];
}

/**
 * A complete charter from its few required facts and DESIGN.md's defaults,
 * members sorted by id. Throws PARLEY_E_CHARTER if the result is invalid.
 *
 * @example
 * defaultCharter({ name: 'US–PRC DTL', members, proposer: 'us-js', createdAt, nonce });
 */
export function defaultCharter(input: NewCharter): Charter {
  const members = [...input.members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const languages = input.languages ?? [...new Set(input.members.flatMap((m) => Object.keys(m.names)))];
  const d = structuredClone(charterDefaults);
  return validateCharter({
    v: 1,
    name: input.name,
    createdAt: input.createdAt,
    proposer: input.proposer,
    nonce: input.nonce,
    members: structuredClone(members),
    languages: [...languages],
    markings: [...d.markings],
    handlingTargets: d.handlingTargets,
    twoPersonRelease: [...d.twoPersonRelease],
    answerDeadlineHours: d.answerDeadlineHours,
    linkChecks: d.linkChecks,
    skewAllowanceMs: d.skewAllowanceMs,
    mechanisms: [],
    glossary: [],
    notificationFormats: defaultNotificationFormats(),
  });
}
