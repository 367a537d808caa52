/**
 * Every size limit in one place, imported by schemas, storage, the link, the
 * console and the CLI. Sizes are bytes of canonical (RFC 8785) UTF-8 JSON.
 */
export const limits = {
  /** Party ids: 2–32 chars of [a-z0-9-]. */
  partyId: /^[a-z0-9-]{2,32}$/,
  /** Canonical header bytes. Heads grow with members: 64 members fit. */
  headerBytes: 16 * 1024,
  /** Canonical body bytes of one entry (attachments travel separately by hash). */
  bodyBytes: 256 * 1024,
  /** Entry ids referred to by one entry. */
  refs: 64,
  /** Members of one channel. */
  members: 64,
  /** Nesting depth accepted by the strict JSON parser. */
  jsonDepth: 64,
  /** Short single-line strings: subjects, names, reasons. */
  shortText: 512,
  /** Long texts: message text, readouts, narratives (characters). */
  longText: 64 * 1024,
  /** One attachment. */
  attachmentBytes: 16 * 1024 * 1024,
  /** Attachments on one entry. */
  attachments: 16,
  /**
   * Media types a node accepts for an attachment (upload, send, fetch from a
   * peer, download). No HTML, SVG, XML or script: nothing a browser would run.
   */
  attachmentTypes: [
    'application/pdf',
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'text/plain',
    'text/csv',
    'application/json',
    'application/zip',
    'audio/mpeg',
    'video/mp4',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/octet-stream',
  ],
  /** A link request (a batch of entries with bodies). */
  linkRequestBytes: 8 * 1024 * 1024,
  /** Entries in one link batch. */
  batchEntries: 512,
  /** Proposed time slots in one request, counter or postponement. */
  slots: 10,
  /** Items of any other list in a body or the charter: people, units, agenda items, languages, mechanisms… */
  listItems: 64,
  /** Terms in a charter's bilingual glossary. */
  glossaryTerms: 1000,
  /** Console user names: 1–64 chars of [a-z0-9._-], starting with a letter or digit. */
  userName: /^[a-z0-9][a-z0-9._-]{0,63}$/,
  /** Console passwords (characters): long enough to resist guessing, short enough to hash cheaply. */
  passwordMinChars: 12,
  passwordMaxChars: 256,
  /** One console API request body (uploads, when they come, set their own). */
  apiRequestBytes: 64 * 1024,
  /** Rows in one page of a console API list (audit log, …). */
  apiPageItems: 500,
} as const;
