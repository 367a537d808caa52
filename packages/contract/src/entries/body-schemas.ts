/** Every entry type, in DESIGN.md's order, and the one schema of each type's body. */
import type { z } from 'zod';
import {
  charterAcceptBody,
  charterAmendBody,
  checkpointBody,
  cosignBody,
  keyRotateBody,
  linkCheckAnswerBody,
  linkCheckBody,
  mechanismResumeBody,
  mechanismSuspendBody,
  receiptBody,
} from './channel.js';
import { commitmentAgreeBody, commitmentProposeBody, commitmentStatusBody } from './commitments.js';
import {
  meetingBody,
  meetingCancelBody,
  meetingConfirmBody,
  meetingPostponeBody,
  readoutBody,
  requestAcceptBody,
  requestBody,
  requestCounterBody,
  requestDeclineBody,
  requestWithdrawBody,
} from './engagement.js';
import { messageAckBody, messageBody, messageUnreadBody, translationBody } from './hotline.js';
import { incidentReportBody, incidentResponseBody } from './incidents.js';
import { notificationAckBody, notificationBody } from './notifications.js';

export const entryTypes = [
  'charter-amend',
  'charter-accept',
  'key-rotate',
  'mechanism-suspend',
  'mechanism-resume',
  'checkpoint',
  'cosign',
  'receipt',
  'link-check',
  'link-check-answer',
  'message',
  'message-ack',
  'message-unread',
  'translation',
  'request',
  'request-accept',
  'request-decline',
  'request-counter',
  'request-withdraw',
  'meeting',
  'meeting-confirm',
  'meeting-postpone',
  'meeting-cancel',
  'readout',
  'commitment-propose',
  'commitment-agree',
  'commitment-status',
  'incident-report',
  'incident-response',
  'notification',
  'notification-ack',
] as const;

export type EntryType = (typeof entryTypes)[number];

export const bodySchemas = {
  'charter-amend': charterAmendBody,
  'charter-accept': charterAcceptBody,
  'key-rotate': keyRotateBody,
  'mechanism-suspend': mechanismSuspendBody,
  'mechanism-resume': mechanismResumeBody,
  checkpoint: checkpointBody,
  cosign: cosignBody,
  receipt: receiptBody,
  'link-check': linkCheckBody,
  'link-check-answer': linkCheckAnswerBody,
  message: messageBody,
  'message-ack': messageAckBody,
  'message-unread': messageUnreadBody,
  translation: translationBody,
  request: requestBody,
  'request-accept': requestAcceptBody,
  'request-decline': requestDeclineBody,
  'request-counter': requestCounterBody,
  'request-withdraw': requestWithdrawBody,
  meeting: meetingBody,
  'meeting-confirm': meetingConfirmBody,
  'meeting-postpone': meetingPostponeBody,
  'meeting-cancel': meetingCancelBody,
  readout: readoutBody,
  'commitment-propose': commitmentProposeBody,
  'commitment-agree': commitmentAgreeBody,
  'commitment-status': commitmentStatusBody,
  'incident-report': incidentReportBody,
  'incident-response': incidentResponseBody,
  notification: notificationBody,
  'notification-ack': notificationAckBody,
} as const satisfies Record<EntryType, z.ZodType>;

/** The body type of entry type `T`. */
export type BodyOf<T extends EntryType> = z.infer<(typeof bodySchemas)[T]>;

export function isEntryType(type: string): type is EntryType {
  return Object.hasOwn(bodySchemas, type);
}
