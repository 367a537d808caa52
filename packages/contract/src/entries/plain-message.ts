/**
 * The hot path of checking a hotline message body. Most entries on a
 * hotline are messages, and the message schema (zod) costs as much as the
 * rest of an entry's checks together, beside one Ed25519 verification. This
 * answers "plainly valid" for the common shape without the schema; for
 * anything else — an attachment, a translation, a doubtful field — it says
 * nothing and the schema judges and names the fault. Accepting only a subset
 * of what the schema accepts keeps the verdict the schema's
 * (plain-message.test.ts compares the two on every mutation it can think of).
 */
import { limits } from '../limits.js';
import { precedences } from './common.js';

const keys = new Set([
  'precedence',
  'subject',
  'text',
  'language',
  'marking',
  'serial',
  'attachments',
  'replyTo',
  'release',
]);
const releaseKeys = new Set(['drafter', 'releaser', 'emergency']);
const precedenceSet = new Set<unknown>(precedences);
// The same forms as common.ts's languageTag and entryId.
const languageForm = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?(-([a-z\d]{5,8}|\d[a-z\d]{3}))*$/;
const entryIdForm = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** True only when messageBody would accept `body` as it is; false means "ask the schema". */
export function plainMessage(body: unknown): boolean {
  if (!plainObject(body)) return false;
  const b = body as Record<string, unknown>;
  let count = 0;
  for (const key in b) {
    if (!keys.has(key)) return false;
    count++;
  }
  // All eight required members (no unknown one was counted), and replyTo only if present.
  const hasReplyTo = Object.hasOwn(b, 'replyTo');
  if (count !== (hasReplyTo ? 9 : 8)) return false;
  if (!precedenceSet.has(b.precedence)) return false;
  if (!shortText(b.subject) || !shortText(b.marking) || !longText(b.text)) return false;
  if (typeof b.language !== 'string' || b.language.length > 35 || !languageForm.test(b.language)) return false;
  if (!Number.isSafeInteger(b.serial) || (b.serial as number) < 1) return false;
  if (!Array.isArray(b.attachments) || b.attachments.length !== 0) return false;
  if (hasReplyTo && (typeof b.replyTo !== 'string' || !entryIdForm.test(b.replyTo))) return false;
  return plainRelease(b.release);
}

function plainRelease(release: unknown): boolean {
  if (!plainObject(release)) return false;
  const r = release as Record<string, unknown>;
  for (const key in r) if (!releaseKeys.has(key)) return false;
  if (!shortText(r.drafter) || typeof r.emergency !== 'boolean') return false;
  if (!Object.hasOwn(r, 'releaser')) return true;
  return !r.emergency && shortText(r.releaser) && r.releaser !== r.drafter;
}

/** An object of a plain prototype with no symbol keys (which a strict schema refuses). */
function plainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(value).length === 0;
}

/** common.ts's shortText, restated: one line, not blank, no controls, at most limits.shortText units. */
function shortText(s: unknown): boolean {
  if (typeof s !== 'string' || s.length > limits.shortText || s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029) return false;
  }
  return s.trim().length > 0;
}

/** common.ts's longText, restated: newline and tab allowed, other controls not, not blank. */
function longText(s: unknown): boolean {
  if (typeof s !== 'string' || s.length > limits.longText || s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (
      code < 0x20 ? code !== 0x0a && code !== 0x09 : (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029
    )
      return false;
  }
  return s.trim().length > 0;
}
