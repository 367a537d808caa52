import { type Attachment, type Charter, ParleyError, type Precedence, validateBody } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import type { Release } from './release.js';

/** A message as a person writes it: everything but its serial (the node's) and its release (the policy's). */
export interface Compose {
  precedence: Precedence;
  subject: string;
  text: string;
  language: string;
  marking: string;
  attachments: Attachment[];
  replyTo?: string;
  translation?: { language: string; text: string };
}

/** The `message` body to sign. The serial given here is replaced under the feed lock (OwnEntry.assignSerial). */
export function messageBody(compose: Compose, release: Release, serial = 1): JsonValue {
  return { ...compose, serial, release } as unknown as JsonValue;
}

/**
 * Refuses, before anything is drafted or sent, a message the schema or the
 * charter would not take: PARLEY_E_SCHEMA naming the field, or PARLEY_E_USAGE
 * for a marking the charter does not list.
 */
export function checkCompose(charter: Pick<Charter, 'markings'>, compose: Compose): void {
  validateBody('message', messageBody(compose, { drafter: 'check', emergency: false }));
  if (!charter.markings.includes(compose.marking)) {
    throw new ParleyError('PARLEY_E_USAGE', {
      reason: `marking "${compose.marking}" is not in the charter (${charter.markings.join(', ')})`,
    });
  }
}
