import { ParleyError } from '@parley/contract';
import { certFingerprint } from './fingerprint.js';

/** A peer's TLS certificate as pinned from its verified peer card. */
export interface Pin {
  readonly party: string;
  readonly certPem: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly fingerprint: string;
}

/** Pins by fingerprint, each checked to name its own certificate (else PARLEY_E_TLS_PIN). */
export function pinsByFingerprint(pinned: readonly Pin[]): Map<string, Pin> {
  const pins = new Map<string, Pin>();
  for (const pin of pinned) {
    checkPin(pin);
    pins.set(pin.fingerprint, pin);
  }
  return pins;
}

export function checkPin(pin: { party?: string; certPem: string; fingerprint: string }): void {
  let actual: string;
  try {
    actual = certFingerprint(pin.certPem);
  } catch (error) {
    throw new ParleyError('PARLEY_E_TLS_PIN', { peer: pin.party, reason: 'not a certificate' }, { cause: error });
  }
  if (actual !== pin.fingerprint)
    throw new ParleyError('PARLEY_E_TLS_PIN', {
      peer: pin.party,
      reason: 'the fingerprint is not of this certificate',
    });
}
