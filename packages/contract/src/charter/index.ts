export {
  type Charter,
  type CharterMember,
  charterSchema,
  glossaryTerm as glossaryTermSchema,
  type Mechanism,
  mechanism as mechanismSchema,
  member as charterMemberSchema,
  type NotificationFormat,
  notificationFormat as notificationFormatSchema,
} from './charter-schema.js';
export { charterDefaults, defaultCharter, type NewCharter } from './default-charter.js';
export { draft2020, jsonSchemaProblem } from './json-schema-shape.js';
export {
  defaultNotificationFormats,
  exerciseFormat,
  majorMilitaryActivityFormat,
  missileLaunchFormat,
} from './notification-formats.js';
export { validateCharter } from './validate-charter.js';
