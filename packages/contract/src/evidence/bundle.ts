import { z } from 'zod';
import {
  b64url32Schema,
  b64url64Schema,
  entryHeaderSchema,
  isoTimeSchema,
  partyIdSchema,
  seqSchema,
} from '../header/header.js';

/** Format tag of an evidence bundle's top level. */
export const evidenceFormat = 'parley-evidence/1';

const indexSchema = z.number().int().min(0);
/** Merkle hashes in proofs: base64url of 32 bytes, like every other Parley hash. */
const hashesSchema = z.array(b64url32Schema).max(64);

export const keyRangeSchema = z.strictObject({
  key: b64url32Schema,
  fromSeq: seqSchema,
  untilSeq: seqSchema.nullable(),
});

export const keysSectionSchema = z.record(partyIdSchema, z.array(keyRangeSchema).min(1).max(1024));

export const charterSignatureSchema = z.strictObject({ party: partyIdSchema, sig: b64url64Schema });

export const channelSectionSchema = z.strictObject({
  id: b64url32Schema,
  /** The charter exactly as every member signed it (validated against the charter schema). */
  charter: z.record(z.string(), z.unknown()),
  signatures: z.array(charterSignatureSchema).min(1),
});

export const bundleEntrySchema = z.strictObject({
  header: entryHeaderSchema,
  sig: b64url64Schema,
  /** Present only where the exporter discloses it; the header's hash still binds it. */
  body: z.unknown().optional(),
});

/** Ties an entry to a checkpoint: the entry id is leaf `seq - 1` of the checkpoint's tree. */
export const inclusionProofSchema = z.strictObject({
  type: z.literal('inclusion'),
  checkpoint: indexSchema,
  entry: b64url32Schema,
  hashes: hashesSchema,
});

/** Shows that checkpoint `to` extends checkpoint `from` of the same feed. */
export const consistencyProofSchema = z.strictObject({
  type: z.literal('consistency'),
  from: indexSchema,
  to: indexSchema,
  hashes: hashesSchema,
});

/** Two entries with one author and seq: see parley-fork/1 in docs/protocol.md. */
export const forkProofSchema = z.strictObject({
  type: z.literal('fork'),
  proof: z.record(z.string(), z.unknown()),
});

/** Two inconsistent checkpoints of one feed: see docs/protocol.md. */
export const equivocationProofSchema = z.strictObject({
  type: z.literal('equivocation'),
  proof: z.record(z.string(), z.unknown()),
});

export const proofSchema = z.discriminatedUnion('type', [
  inclusionProofSchema,
  consistencyProofSchema,
  forkProofSchema,
  equivocationProofSchema,
]);

/**
 * "`by` stored `entry`": `witness` is an entry of `by` whose heads cover the
 * entry's seq; the bundle holds the entry's feed from it up to those heads.
 */
export const storedClaimSchema = z.strictObject({
  kind: z.literal('stored'),
  entry: b64url32Schema,
  by: partyIdSchema,
  witness: b64url32Schema,
});

/**
 * "`party` wrote these entries between `from` and `to` and none refers to
 * `entry`": a complete run of the party's headers over the window.
 */
export const noReferenceClaimSchema = z
  .strictObject({
    kind: z.literal('no-reference'),
    party: partyIdSchema,
    entry: b64url32Schema,
    from: isoTimeSchema,
    to: isoTimeSchema,
  })
  .refine((c) => c.from <= c.to, { message: 'from must not be after to', path: ['to'] });

/**
 * "`party` stored request `entry` (its entry `receipt` acknowledges it) and
 * its feed holds no answer to it up to `deadline`": `deadline` is the
 * request's own (disclosed) deadline; a complete run of the party's headers
 * from before the receipt to the first entry after the deadline, with the
 * body of every entry whose type could be an answer (request-accept,
 * request-decline, request-counter) disclosed to show it answers something
 * else. See docs/decisions/0011-metrics-and-silence.md.
 */
export const noAnswerClaimSchema = z.strictObject({
  kind: z.literal('no-answer'),
  party: partyIdSchema,
  entry: b64url32Schema,
  receipt: b64url32Schema,
  deadline: isoTimeSchema,
});

/** Entry types that answer a request (the request's id in `refs` or in the body's `request`). */
export const answerTypes = ['request-accept', 'request-decline', 'request-counter'] as const;

export const claimSchema = z.discriminatedUnion('kind', [
  storedClaimSchema,
  noReferenceClaimSchema,
  noAnswerClaimSchema,
]);

/** Everything but the entries: small enough to hold in memory whatever the bundle's size. */
export const bundleMetaSchema = z.strictObject({
  format: z.literal(evidenceFormat),
  channel: channelSectionSchema.optional(),
  keys: keysSectionSchema,
  checkpoints: z
    .array(z.string().max(64 * 1024))
    .max(100_000)
    .optional(),
  proofs: z.array(proofSchema).max(1_000_000).optional(),
  claims: z.array(claimSchema).max(10_000).optional(),
});

/** The whole bundle (DESIGN.md, "Evidence bundles"); docs/evidence.schema.json is generated from it. */
export const bundleSchema = bundleMetaSchema.extend({ entries: z.array(bundleEntrySchema) });

export type KeyRangeJson = z.infer<typeof keyRangeSchema>;
export type BundleEntry = z.infer<typeof bundleEntrySchema>;
export type Proof = z.infer<typeof proofSchema>;
export type Claim = z.infer<typeof claimSchema>;
export type BundleMeta = z.infer<typeof bundleMetaSchema>;
export type Bundle = z.infer<typeof bundleSchema>;
