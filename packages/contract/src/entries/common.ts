/**
 * Field schemas shared by every entry body and by the charter. Each one says
 * in its error message which rule it enforces, so a refusal names the rule.
 */
import { z } from 'zod';
import { limits } from '../limits.js';

/** Canonical unpadded base64url (RFC 4648 §5) of exactly `bytes` bytes: the unused low bits are zero. */
export function base64urlOf(bytes: number): RegExp {
  const full = Math.floor(bytes / 3) * 4;
  const tail = ['', '[A-Za-z0-9_-][AQgw]', '[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048]'][bytes % 3];
  return new RegExp(`^[A-Za-z0-9_-]{${full}}${tail}$`);
}

/** Party ids: 2–32 chars of [a-z0-9-]. */
export const partyId = z.string().regex(limits.partyId, 'expected a party id (2–32 chars of a-z, 0-9, -)');
/** Ids of mechanisms and notification formats take the same form as party ids. */
export const slugId = z.string().regex(limits.partyId, 'expected an id (2–32 chars of a-z, 0-9, -)');

/** An entry id: base64url of the 32-byte SHA-256 of the canonical header. */
export const entryId = z.string().regex(base64urlOf(32), 'expected an entry id (43-char base64url of 32 bytes)');
/** A SHA-256 digest, base64url. */
export const sha256 = z.string().regex(base64urlOf(32), 'expected a SHA-256 digest (43-char base64url of 32 bytes)');
/** An Ed25519 public key: base64url of its 32 raw bytes. */
export const publicKey = z.string().regex(base64urlOf(32), 'expected a public key (43-char base64url of 32 bytes)');
/** An Ed25519 signature: base64url of 64 bytes. */
export const signature = z.string().regex(base64urlOf(64), 'expected a signature (86-char base64url of 64 bytes)');
/** A 16-byte random nonce, base64url. */
export const nonce = z.string().regex(base64urlOf(16), 'expected a nonce (22-char base64url of 16 bytes)');

const isoTimeForm = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** UTC time exactly as JavaScript's toISOString() gives it: `2023-12-21T13:05:00.000Z`. */
export const isoTime = z
  .string()
  .refine(
    (s) => isoTimeForm.test(s) && new Date(s).toISOString() === s,
    'expected a UTC time as YYYY-MM-DDTHH:MM:SS.sssZ',
  );

/** A calendar date, `YYYY-MM-DD`, that exists. */
export const isoDate = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00.000Z`).toISOString().slice(0, 10) === s,
    'expected a calendar date as YYYY-MM-DD',
  );

/**
 * A BCP 47 language tag in canonical case: language, optional script,
 * region and variants (`en`, `zh-Hans`, `zh-Hans-CN`, `en-GB`). A regex, not
 * Intl, so that every node, whatever its ICU version, gives the same answer.
 */
const languageForm = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?(-([a-z\d]{5,8}|\d[a-z\d]{3}))*$/;
export const languageTag = z
  .string()
  .max(35)
  .regex(languageForm, 'expected a BCP 47 language tag in canonical case, e.g. en, zh-Hans');

/** An IANA time zone name (`Asia/Shanghai`, `America/New_York`, `UTC`), by form. */
export const timeZone = z
  .string()
  .max(64)
  .regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/, 'expected an IANA time zone name, e.g. Asia/Shanghai');

export const precedences = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const;
export const precedence = z.enum(precedences);
export type Precedence = z.infer<typeof precedence>;

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
}

function singleLine(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return false;
  return s.trim().length > 0;
}

/** Multi-line text: newlines (`\n`, not `\r`) and tabs allowed, other controls refused. */
function multiLine(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (isControl(code) && code !== 0x0a && code !== 0x09) return false;
  }
  return s.trim().length > 0;
}

/** Subjects, names, titles, reasons: one line, not blank, at most limits.shortText UTF-16 units. */
export const shortText = z
  .string()
  .max(limits.shortText)
  .refine(singleLine, 'expected one line of text, not blank, without control characters');

/** Message texts, readouts, narratives: not blank, at most limits.longText UTF-16 units. */
export const longText = z
  .string()
  .max(limits.longText)
  .refine(multiLine, 'expected text, not blank, with no control characters but newline (\\n) and tab');

/** A positive safe integer. */
export const positiveInt = z.number().int().min(1);

/** A person named in a request, a meeting or a release: name, title, party. */
export const person = z.strictObject({ name: shortText, title: shortText, party: partyId });
export type Person = z.infer<typeof person>;

/** A list of 1..limits.listItems people. */
export const people = z.array(person).min(1).max(limits.listItems);

const contentTypeForm = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** An attachment travels separately, addressed by the SHA-256 of its bytes. */
export const attachment = z.strictObject({
  sha256,
  name: shortText.refine((s) => !/[/\\]/.test(s), 'expected a file name without / or \\'),
  contentType: z.string().regex(contentTypeForm, 'expected a lower-case media type, e.g. application/pdf'),
  size: z.number().int().min(0).max(limits.attachmentBytes),
});
export type Attachment = z.infer<typeof attachment>;

export const attachments = unique(z.array(attachment).max(limits.attachments), (a) => a.sha256, 'attachment');

/** A plain JSON object (values checked as JSON only; meaning is checked elsewhere). */
export const jsonObject = z.record(z.string(), z.json());

/** Refuses a list in which two items share a key; the issue points at the second one. */
export function unique<T extends z.ZodType<readonly unknown[]>>(
  list: T,
  key: (item: z.infer<T>[number]) => string,
  what: string,
): T {
  return list.superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what} ${k}` });
      seen.add(k);
    });
  });
}
