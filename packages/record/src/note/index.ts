/**
 * C2SP signed notes (c2sp.org/signed-note), checkpoints
 * (c2sp.org/tlog-checkpoint), Ed25519 cosignatures
 * (c2sp.org/tlog-cosignature, cosignature/v1) and equivocation proofs.
 *
 * @example
 * const note = signCheckpoint({ origin: feedOrigin(channel, 'us-js'), size, root }, author);
 * const cosigned = cosignCheckpoint(note, member, 'parley/…/cn-jsd', nowSeconds);
 * verifyCheckpoint(cosigned, makeVkey(feedOrigin(channel, 'us-js'), author.publicKey));
 */
export { cosignatureMessage } from './algorithms.js';
export {
  type Checkpoint,
  type CheckpointBody,
  feedOrigin,
  formatCheckpointBody,
  parseCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';
export { type Cosignature, cosignCheckpoint, cosignerVkey, verifyCosignature } from './cosignature.js';
export {
  type Equivocation,
  type EquivocationProof,
  equivocationError,
  makeEquivocationProof,
  type PrefixEvidence,
  verifyEquivocationProof,
} from './equivocation.js';
export {
  isValidKeyName,
  keyIdHex,
  makeVkey,
  noteKeyId,
  parseVkey,
  SignatureType,
  type VerifierKey,
} from './key.js';
export { noteLimits } from './limits.js';
export {
  type Note,
  type NoteInput,
  type NoteSignature,
  parseNote,
  serializeNote,
  signNote,
  verifyNote,
  withSignature,
} from './signed-note.js';
