import { ParleyError } from '@parley/contract';

/** A refusal by the engagement rules: what the record allows now, and why this entry does not fit. */
export interface Violation {
  entry: string;
  author: string;
  type: string;
  time: string;
  reason: string;
}

/** PARLEY_E_RULE: `{type} refused: {reason}`, thrown before anything is signed. */
export function ruleError(type: string, reason: string): ParleyError {
  return new ParleyError('PARLEY_E_RULE', { type, reason });
}

/** The first 8 characters of an entry id, as people read them. */
export function short(id: string): string {
  return id.slice(0, 8);
}
