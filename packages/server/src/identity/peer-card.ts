import { ParleyError, type PeerCard, parseCard, parseSignedCard, type SignedPeerCard } from '@parley/contract';
import {
  bytesEqual,
  canonicalBytes,
  concatBytes,
  domains,
  fromBase64url,
  type JsonValue,
  type Signer,
  sha256,
  toBase64url,
  verifyEd25519,
} from '@parley/record';
import { checkCardCertificate } from './card-certificate.js';

const prefix = new TextEncoder().encode(domains.card);

/** What a card's signature signs: `parley/card/v1\n` || SHA-256(JCS(card)). */
export function cardSigningMessage(card: PeerCard): Uint8Array {
  return concatBytes(prefix, sha256(canonicalBytes(card as unknown as JsonValue)));
}

/** Signs a card with the identity key it names; refuses a malformed card or another key (PARLEY_E_CARD). */
export function signCard(card: PeerCard, signer: Signer): SignedPeerCard {
  const checked = parseCard(card);
  if (!bytesEqual(fromBase64url(checked.key, 'card key', 32), signer.publicKey))
    throw new ParleyError('PARLEY_E_CARD', { reason: "key: not the signer's public key" });
  return { card: checked, sig: toBase64url(signer.sign(cardSigningMessage(checked))) };
}

/**
 * Checks a peer card as received (parsed JSON of unknown shape) and returns
 * the card: its form (PARLEY_E_CARD), its signature by `card.key`
 * (PARLEY_E_CARD_SIGNATURE), and its TLS certificate (PARLEY_E_CARD_CERT).
 */
export function verifyCard(signedCard: unknown, options: { now?: Date } = {}): PeerCard {
  const { card, sig } = parseSignedCard(signedCard);
  const key = fromBase64url(card.key, 'card key', 32);
  if (!verifyEd25519(key, cardSigningMessage(card), fromBase64url(sig, 'card signature', 64)))
    throw new ParleyError('PARLEY_E_CARD_SIGNATURE', { party: card.party });
  checkCardCertificate(card, options.now ?? new Date());
  return card;
}
