import { firstFailure } from '../entries/issue.js';
import { findNonJson } from '../entries/plain-json.js';
import { ParleyError } from '../errors/index.js';
import { type Charter, charterSchema } from './charter-schema.js';

/**
 * Checks a charter; returns it typed, or throws PARLEY_E_CHARTER whose reason
 * names the failing field: `members[1].key: expected a public key …`.
 */
export function validateCharter(value: unknown): Charter {
  const nonJson = findNonJson(value);
  if (nonJson) throw new ParleyError('PARLEY_E_CHARTER', { reason: describe(nonJson) });
  const result = charterSchema.safeParse(value);
  if (!result.success)
    throw new ParleyError('PARLEY_E_CHARTER', { reason: describe(firstFailure(result.error, value)) });
  return result.data;
}

function describe(failure: { path: string; reason: string }): string {
  return failure.path === '' ? failure.reason : `${failure.path}: ${failure.reason}`;
}
