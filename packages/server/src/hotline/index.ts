// The hotline's rules, for the CLI (runtime/hotline-operations.ts) and the console API routes.
export { type Answered, acknowledge, reportUnread } from './acknowledge.js';
export { HandlingAlarms, handlingAlarmKind, planAlarms } from './alarms.js';
export { type Compose, checkCompose } from './compose.js';
export { type Draft, type DraftState, getDraft, listDrafts } from './drafts.js';
export { dtg } from './dtg.js';
export { type GlossaryMark, markGlossary } from './glossary.js';
export {
  type MessageStatus,
  messageStatus,
  type OverdueMessage,
  overdue,
  type RecipientStatus,
} from './message-status.js';
export { actingPerson, type Person, personNamed, requirePermission } from './person.js';
export { decideRelease, needsSecondPerson, type Release, type ReleaseRequest } from './release.js';
export { type Drafted, releaseDraft, requireMessage, type Sent, submitMessage } from './send-message.js';
export { parseTargets } from './targets.js';
export {
  addOfficialTranslation,
  addWorkingTranslation,
  channelSummary,
  draftView,
  listChannels,
  listMessages,
  type MessageView,
  messageDetail,
  type TranslationView,
} from './views.js';
