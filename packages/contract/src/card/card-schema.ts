/**
 * The peer card (DESIGN.md, "Words"): a party's signed self-description,
 * exchanged out of band and pinned. Strict: a card with any other member is
 * not a v1 card.
 */
import { z } from 'zod';
import { names } from '../charter/charter-schema.js';
import { isoTime, partyId, publicKey, signature } from '../entries/common.js';

/** Bounds of a card's parts; a P-256 certificate is well under 1 KiB of PEM. */
export const cardLimits = { certPem: 8 * 1024, endpoints: 8 } as const;

const pemForm = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;

/** One PEM-encoded X.509 certificate, nothing else. */
export const certificatePem = z
  .string()
  .max(cardLimits.certPem)
  .regex(pemForm, 'expected one PEM certificate (-----BEGIN CERTIFICATE----- …)');

/** SHA-256 of a certificate's DER, as 64 lowercase hex digits. */
export const certFingerprint = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected the SHA-256 of the certificate as 64 lowercase hex digits');

function isCanonicalHttpsOrigin(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const url = new URL(s);
  return url.protocol === 'https:' && url.origin === s;
}

/** A link endpoint: `https://host[:port]`, in the form URL gives it (lowercase host, no default port, no path). */
export const endpoint = z
  .string()
  .max(300)
  .refine(isCanonicalHttpsOrigin, 'expected https://host:port (https only, lowercase host, no path)');

const endpoints = z
  .array(endpoint)
  .min(1)
  .max(cardLimits.endpoints)
  .superRefine((list, ctx) => {
    list.forEach((e, i) => {
      if (list.indexOf(e) < i) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate endpoint ${e}` });
    });
  });

/** The unsigned card. Endpoints are ordered: primary first. */
export const peerCardSchema = z.strictObject({
  v: z.literal(1),
  party: partyId,
  names,
  key: publicKey,
  tls: z.strictObject({ cert: certificatePem, fingerprint: certFingerprint }),
  endpoints,
  issuedAt: isoTime,
});

/** The card as exchanged: `sig` is Ed25519 by `card.key` over `parley/card/v1\n` || SHA-256(JCS(card)). */
export const signedPeerCardSchema = z.strictObject({ card: peerCardSchema, sig: signature });

export type PeerCard = z.infer<typeof peerCardSchema>;
export type SignedPeerCard = z.infer<typeof signedPeerCardSchema>;
