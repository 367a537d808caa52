export { type BehaviourCode, behaviourCodes, behaviourLabels } from './behaviours.js';
export { type BodyOf, bodySchemas, type EntryType, entryTypes, isEntryType } from './body-schemas.js';
export type * from './body-types.js';
export { commitmentStatuses } from './commitments.js';
/** Shared field schemas (`fields.entryId`, `fields.isoTime`, …), for other schemas and forms. */
export * as fields from './common.js';
export { type Attachment, type Person, type Precedence, precedences } from './common.js';
export { engagementKinds, media, type Slot } from './engagement.js';
export { exampleCharter, exampleIds, exampleKeys, examples } from './examples.js';
export { unreadReasons } from './hotline.js';
export { incidentResponses, type Unit } from './incidents.js';
export { type Failure, formatPath } from './issue.js';
export { type CheckpointNote, parseCheckpointNote } from './signed-note.js';
export { parseBody, validateBody } from './validate-body.js';
