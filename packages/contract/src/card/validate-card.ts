import type { z } from 'zod';
import { firstFailure } from '../entries/issue.js';
import { findNonJson } from '../entries/plain-json.js';
import { ParleyError } from '../errors/index.js';
import { type PeerCard, peerCardSchema, type SignedPeerCard, signedPeerCardSchema } from './card-schema.js';

/**
 * Checks the form of a signed peer card (not its signature: that needs the
 * record's crypto); returns it typed, or throws PARLEY_E_CARD naming the field.
 */
export function parseSignedCard(value: unknown): SignedPeerCard {
  return parse(signedPeerCardSchema, value);
}

/** Checks the form of an unsigned peer card, as before signing it. */
export function parseCard(value: unknown): PeerCard {
  return parse(peerCardSchema, value);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const nonJson = findNonJson(value);
  if (nonJson) throw new ParleyError('PARLEY_E_CARD', { reason: describe(nonJson) });
  const result = schema.safeParse(value);
  if (!result.success) throw new ParleyError('PARLEY_E_CARD', { reason: describe(firstFailure(result.error, value)) });
  return result.data;
}

function describe(failure: { path: string; reason: string }): string {
  return failure.path === '' ? failure.reason : `${failure.path}: ${failure.reason}`;
}
