/**
 * @parley/record — the record's cryptography, pure and without I/O, usable on
 * its own by an auditor: canonical JSON (RFC 8785), signed entries and feeds,
 * key history, RFC 6962 Merkle proofs, C2SP checkpoints and cosignatures, fork
 * and equivocation proofs, and parley-evidence/1 bundles.
 */

export {
  type BundleInput,
  buildBundle,
  type FeedIndex,
  planNoReference,
  planStored,
  recordOrder,
} from './bundle/build.js';
export { BundleChecker, type BundleCheckerOptions } from './bundle/checker.js';
export type { Run } from './bundle/feed-runs.js';
export { answers, planNoAnswer } from './bundle/no-answer.js';
export type { CheckpointReport, ClaimReport, EvidenceReport, FeedReport } from './bundle/report.js';
export { BundleSplitter, type SplitMode, type SplitSink } from './bundle/splitter.js';
export { type StreamOptions, verifyBundleStream } from './bundle/stream.js';
export { verifyBundle } from './bundle/verify.js';
export {
  type CharterCore,
  type CharterSignature,
  channelId,
  type SignedCharter,
  signCharter,
  verifyCharter,
  verifyCharterSignatures,
} from './charter/charter.js';
export { Ed25519Signer, type Signer, verifyEd25519 } from './crypto/ed25519.js';
export { bytesEqual, concatBytes, sha256 } from './crypto/hash.js';
export { domains } from './domains.js';
export { fromBase64, fromBase64url, fromHex, toBase64, toBase64url, toHex } from './encoding/base64.js';
export { type CheckedEntry, checkBody, checkEntryForm, checkSignature, signatureValid } from './entry/check.js';
export {
  bodyHash,
  type EntryDraft,
  type EntryHeader,
  entryId,
  entrySigningMessage,
  type Head,
  headerHash,
  type SignedEntry,
  signEntry,
} from './entry/entry.js';
export {
  type AcceptedEntry,
  type EntryFlag,
  type FeedHead,
  FeedVerifier,
  type FeedVerifierOptions,
  type StoredEntry,
} from './feed/feed-verifier.js';
export { ForkError, type ForkFinding, type ForkProof, makeForkProof, verifyForkProof } from './feed/fork.js';
export {
  type ParallelFeedOptions,
  SignatureBatch,
  SignaturePool,
  SignatureQueue,
  verifyFeedParallel,
} from './feed/parallel.js';
export { canonicalBytes, canonicalize, type JsonValue, parseJson } from './jcs/index.js';
export { KeyHistory, type KeyRange, type KeyTable } from './keys/key-history.js';
export { checkRotationProof, type RotationStatement, signRotation } from './keys/key-rotate.js';
export * from './merkle/index.js';
export * from './note/index.js';
