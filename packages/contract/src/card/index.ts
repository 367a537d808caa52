export {
  cardLimits,
  certFingerprint as certFingerprintSchema,
  certificatePem as certificatePemSchema,
  endpoint as endpointSchema,
  type PeerCard,
  peerCardSchema,
  type SignedPeerCard,
  signedPeerCardSchema,
} from './card-schema.js';
export { parseCard, parseSignedCard } from './validate-card.js';
