import { ParleyError } from '../errors/index.js';
import { type BodyOf, bodySchemas, type EntryType, isEntryType } from './body-schemas.js';
import { firstFailure } from './issue.js';
import { findNonJson } from './plain-json.js';
import { plainMessage } from './plain-message.js';

/**
 * Checks a body against its type's schema; throws PARLEY_E_SCHEMA naming the
 * first failing field (`slots[1].start`) and the rule it breaks.
 *
 * @example
 * validateBody('message-ack', { message: id, by: 'Duty officer' });
 */
export function validateBody(type: string, body: unknown): void {
  if (type === 'message' && plainMessage(body)) return; // the common case, without the schema
  parseBody(type, body);
}

/** As validateBody, returning the body typed by its entry type. */
export function parseBody<T extends EntryType>(type: T, body: unknown): BodyOf<T>;
export function parseBody(type: string, body: unknown): BodyOf<EntryType>;
export function parseBody(type: string, body: unknown): BodyOf<EntryType> {
  if (!isEntryType(type)) throw new ParleyError('PARLEY_E_SCHEMA', { type, path: '', reason: 'unknown entry type' });
  const nonJson = findNonJson(body);
  if (nonJson) throw new ParleyError('PARLEY_E_SCHEMA', { type, ...nonJson });
  const result = bodySchemas[type].safeParse(body);
  if (!result.success) throw new ParleyError('PARLEY_E_SCHEMA', { type, ...firstFailure(result.error, body) });
  return result.data;
}
