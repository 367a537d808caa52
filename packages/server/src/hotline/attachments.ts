/**
 * Attachments: blobs addressed by the base64url SHA-256 of their bytes, kept
 * in the `attachments` table beside the record. A message names them by hash
 * with a file name, media type and size; the bytes travel separately (link
 * route GET /link/v1/blobs/:hash, link/blob-fetcher.ts). One set of rules for
 * upload, send, fetch and download: the contract's size limit and media-type
 * allowlist (limits.attachmentBytes, limits.attachmentTypes).
 */
import { createHash } from 'node:crypto';
import { type Attachment, fields, limits, ParleyError } from '@parley/contract';
import type { Kysely } from 'kysely';
import type { ParleyNode } from '../node/node.js';
import type { Database } from '../store/database.js';
import { databaseOf } from './hotline-db.js';

/** A stored blob's description (the name and type given when it was first stored). */
export interface BlobInfo extends Attachment {
  createdAt: string;
}

/** The base64url SHA-256 of `bytes`: an attachment's address. */
export function blobHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

const allowed: readonly string[] = limits.attachmentTypes;

/** Whether a media type may be attached, stored, fetched and served. */
export function isAllowedType(contentType: string): boolean {
  return allowed.includes(contentType);
}

/** PARLEY_E_ATTACHMENT_TYPE unless the media type is on the contract's allowlist. */
export function requireAllowedType(contentType: string): void {
  if (!isAllowedType(contentType))
    throw new ParleyError('PARLEY_E_ATTACHMENT_TYPE', { contentType, allowed: allowed.join(', ') });
}

/** PARLEY_E_OVERSIZE for more than limits.attachmentBytes. */
export function requireAttachmentSize(size: number): void {
  if (size > limits.attachmentBytes)
    throw new ParleyError('PARLEY_E_OVERSIZE', { what: 'attachment', size, limit: limits.attachmentBytes });
}

/**
 * Stores uploaded bytes (idempotent: the same bytes again are the same blob,
 * which keeps its first name and type) and returns the description a message
 * names it by. Refuses a disallowed type, oversize bytes and a bad file name.
 */
export async function storeBlob(
  db: Kysely<Database>,
  input: { bytes: Uint8Array; name: string; contentType: string; now: string },
): Promise<Attachment> {
  requireAllowedType(input.contentType);
  requireAttachmentSize(input.bytes.byteLength);
  const described = {
    sha256: blobHash(input.bytes),
    name: input.name,
    contentType: input.contentType,
    size: input.bytes.byteLength,
  };
  const parsed = fields.attachment.safeParse(described);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParleyError('PARLEY_E_USAGE', { reason: `attachment ${issue.path.join('.')}: ${issue.message}` });
  }
  await insertBlob(db, described, input.bytes, input.now);
  return described;
}

/**
 * Inserts a verified blob; a blob already held is left as it is. It is no
 * longer wanted (were the process to stop between the two, wantedBlobs drops
 * the row when it finds the blob held).
 */
async function insertBlob(db: Kysely<Database>, a: Attachment, bytes: Uint8Array, now: string): Promise<void> {
  await db
    .insertInto('attachments')
    .values({ sha256: a.sha256, name: a.name, content_type: a.contentType, size: a.size, bytes, created_at: now })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  await db.deleteFrom('attachment_wanted').where('sha256', '=', a.sha256).execute();
}

/** The description of a stored blob, or undefined. */
export async function blobInfo(db: Kysely<Database>, sha256: string): Promise<BlobInfo | undefined> {
  const row = await db
    .selectFrom('attachments')
    .select(['sha256', 'name', 'content_type', 'size', 'created_at'])
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return row
    ? { sha256: row.sha256, name: row.name, contentType: row.content_type, size: row.size, createdAt: row.created_at }
    : undefined;
}

/** The bytes of a stored blob, or undefined. */
export async function blobBytes(db: Kysely<Database>, sha256: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('attachments').select('bytes').where('sha256', '=', sha256).executeTakeFirst();
  return row ? Buffer.from(row.bytes) : undefined;
}

/**
 * Refuses, before a message is drafted or sent, attachments this node could
 * not deliver — first, for all of them, a disallowed type
 * (PARLEY_E_ATTACHMENT_TYPE) or over the size limit (PARLEY_E_OVERSIZE);
 * then a hash it does not hold
 * (PARLEY_E_ATTACHMENT_UNKNOWN), or a size other than the stored blob's
 * (PARLEY_E_ATTACHMENT_MISMATCH) — the receiver would refuse those bytes.
 */
export async function checkAttachments(db: Kysely<Database>, list: readonly Attachment[]): Promise<void> {
  for (const a of list) {
    requireAllowedType(a.contentType);
    requireAttachmentSize(a.size);
  }
  for (const a of list) {
    // A malformed hash is the schema's to name (PARLEY_E_SCHEMA, from checkCompose).
    if (!fields.sha256.safeParse(a.sha256).success) continue;
    const held = await blobInfo(db, a.sha256);
    if (!held) throw new ParleyError('PARLEY_E_ATTACHMENT_UNKNOWN', { sha256: a.sha256 });
    if (held.size !== a.size)
      throw new ParleyError('PARLEY_E_ATTACHMENT_MISMATCH', {
        sha256: a.sha256,
        reason: `the message says ${a.size} bytes, the stored blob has ${held.size}`,
      });
  }
}

/** The same check for a node (send-message.ts). */
export function checkNodeAttachments(node: ParleyNode, list: readonly Attachment[]): Promise<void> {
  return list.length === 0 ? Promise.resolve() : checkAttachments(databaseOf(node.store), list);
}

/** How an attachment was named by an entry of a channel. */
export interface AttachmentRef {
  channel: string;
  entryId: string;
  author: string;
  seq: number;
  name: string;
  contentType: string;
  size: number;
}

/** Every entry naming `sha256`, in channels this node holds. */
export async function refsOf(db: Kysely<Database>, sha256: string): Promise<AttachmentRef[]> {
  const rows = await db.selectFrom('attachment_refs').selectAll().where('sha256', '=', sha256).execute();
  return rows.map((r) => ({
    channel: r.channel,
    entryId: r.entry_id,
    author: r.author,
    seq: r.seq,
    name: r.name,
    contentType: r.content_type,
    size: r.size,
  }));
}

/**
 * The bytes a peer may fetch: a blob named by an entry of a channel `peer`
 * is a member of, of an allowed type, and stored here. Anything else is the
 * same PARLEY_E_NOT_FOUND, so a peer learns nothing about other channels.
 */
export async function blobForPeer(node: ParleyNode, sha256: string, peer: string): Promise<Buffer> {
  const db = databaseOf(node.store);
  const notFound = new ParleyError('PARLEY_E_NOT_FOUND', { what: 'attachment', id: sha256 });
  let shared = false;
  for (const ref of await refsOf(db, sha256)) {
    const channel = await node.channel(ref.channel).catch(() => undefined);
    if (channel?.members.includes(peer) && isAllowedType(ref.contentType)) {
      shared = true;
      break;
    }
  }
  if (!shared) throw notFound;
  const bytes = await blobBytes(db, sha256);
  if (!bytes) throw notFound;
  return bytes;
}

/** How one entry describes a blob: a fetched blob is stored under a description that fits its bytes. */
export type BlobVariant = Pick<AttachmentRef, 'name' | 'contentType' | 'size'>;

/**
 * Checks bytes fetched from a peer against what the signed entries naming
 * the hash say (size, hash, allowed type) and stores them, under the first
 * description whose size and type fit; PARLEY_E_ATTACHMENT_MISMATCH,
 * PARLEY_E_ATTACHMENT_TYPE or PARLEY_E_OVERSIZE otherwise, and nothing is
 * stored. Entries normally agree; one member describing another's blob with
 * a wrong size must not keep the true bytes out.
 */
export async function acceptFetchedBlob(
  db: Kysely<Database>,
  want: { sha256: string; variants: readonly BlobVariant[] },
  bytes: Uint8Array,
  now: string,
): Promise<void> {
  const allowedVariants = want.variants.filter((v) => isAllowedType(v.contentType));
  if (allowedVariants.length === 0) requireAllowedType(want.variants[0]?.contentType ?? '');
  requireAttachmentSize(bytes.byteLength);
  const fits = allowedVariants.find((v) => v.size === bytes.byteLength);
  if (!fits) {
    const sizes = [...new Set(allowedVariants.map((v) => v.size))].join(' or ');
    throw new ParleyError('PARLEY_E_ATTACHMENT_MISMATCH', {
      sha256: want.sha256,
      reason: `the entry says ${sizes} bytes, the peer sent ${bytes.byteLength}`,
    });
  }
  const got = blobHash(bytes);
  if (got !== want.sha256)
    throw new ParleyError('PARLEY_E_ATTACHMENT_MISMATCH', { sha256: want.sha256, reason: `the bytes hash to ${got}` });
  await insertBlob(
    db,
    { sha256: want.sha256, name: fits.name, contentType: fits.contentType, size: fits.size },
    bytes,
    now,
  );
}

/** A blob this node lacks, named by a peer's entry, and due to be fetched. */
export interface WantedBlob extends AttachmentRef {
  sha256: string;
  attempts: number;
  /** Every description (size, name, type) that entries naming the hash give, this one first. */
  variants: BlobVariant[];
}

/**
 * Blobs named by other members' entries that this node does not hold, never
 * refused, and due (no attempt yet, or the next attempt's time has come).
 * Read from attachment_wanted, which holds only what is missing, so the work
 * does not grow with the attachments held (migration 0006). A row found held
 * is dropped; one only this node's own entries name is not read.
 */
export async function wantedBlobs(db: Kysely<Database>, self: string, now: string, limit = 16): Promise<WantedBlob[]> {
  const due = await db
    .selectFrom('attachment_wanted as w')
    .leftJoin('attachments as a', 'a.sha256', 'w.sha256')
    .leftJoin('attachment_fetches as f', 'f.sha256', 'w.sha256')
    .select(['w.sha256', 'a.sha256 as held', 'f.attempts'])
    // A hash only this node's entries name is left alone (and never dropped: deleting it
    // could race an append of another member's entry naming it, on another connection).
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('attachment_refs as r')
          .select('r.sha256')
          .whereRef('r.sha256', '=', 'w.sha256')
          .where('r.author', '<>', self),
      ),
    )
    .where('f.refused_at', 'is', null)
    .where((eb) => eb.or([eb('f.next_at', 'is', null), eb('f.next_at', '<=', now)]))
    .orderBy('w.sha256')
    .limit(limit * 4)
    .execute();
  const out: WantedBlob[] = [];
  const held: string[] = [];
  for (const w of due) {
    if (out.length >= limit) break;
    if (w.held !== null) {
      held.push(w.sha256);
      continue;
    }
    const r = await db
      .selectFrom('attachment_refs')
      .select(['channel', 'entry_id', 'author', 'seq', 'name', 'content_type', 'size'])
      .where('sha256', '=', w.sha256)
      .where('author', '<>', self)
      .orderBy('channel')
      .orderBy('entry_id')
      .limit(1)
      .executeTakeFirst();
    if (!r) continue; // no longer named by another member (a rebuild under way): asked again next time
    out.push({
      sha256: w.sha256,
      channel: r.channel,
      entryId: r.entry_id,
      author: r.author,
      seq: r.seq,
      name: r.name,
      contentType: r.content_type,
      size: r.size,
      attempts: w.attempts ?? 0,
      variants: [{ name: r.name, contentType: r.content_type, size: r.size }],
    });
  }
  // Held since (stored by a process that stopped before taking the row out): no longer wanted.
  if (held.length > 0) await db.deleteFrom('attachment_wanted').where('sha256', 'in', held).execute();
  if (out.length === 0) return out;
  // Every entry's description of each hash, not only the first one's (a member may describe another's blob
  // wrongly): one row per distinct (type, size), however many entries name the hash.
  const all = await db
    .selectFrom('attachment_refs')
    .select((eb) => ['sha256', 'content_type', 'size', eb.fn.min('name').as('name')])
    .where(
      'sha256',
      'in',
      out.map((w) => w.sha256),
    )
    .groupBy(['sha256', 'content_type', 'size'])
    .orderBy('sha256')
    .orderBy('content_type')
    .orderBy('size')
    .execute();
  for (const w of out)
    for (const r of all)
      if (r.sha256 === w.sha256 && !w.variants.some((v) => v.size === r.size && v.contentType === r.content_type))
        w.variants.push({ name: r.name, contentType: r.content_type, size: r.size });
  return out;
}

/** Records a failed attempt; the next one is due at `nextAt`. */
export async function fetchFailed(
  db: Kysely<Database>,
  sha256: string,
  attempts: number,
  nextAt: string,
  error: string,
): Promise<void> {
  await db
    .insertInto('attachment_fetches')
    .values({ sha256, attempts, next_at: nextAt, last_error: error, refused_at: null })
    .onConflict((oc) => oc.column('sha256').doUpdateSet({ attempts, next_at: nextAt, last_error: error }))
    .execute();
}

/** Records that a peer's bytes failed verification: never fetched again by itself. */
export async function fetchRefused(db: Kysely<Database>, sha256: string, error: string, now: string): Promise<void> {
  await db
    .insertInto('attachment_fetches')
    .values({ sha256, attempts: 1, next_at: now, last_error: error, refused_at: now })
    .onConflict((oc) => oc.column('sha256').doUpdateSet({ last_error: error, refused_at: now }))
    .execute();
}

/** Where this node stands with an attachment: held, being fetched, or refused. */
export interface AttachmentState {
  held: boolean;
  attempts: number;
  lastError: string | null;
  refusedAt: string | null;
}

export async function attachmentState(db: Kysely<Database>, sha256: string): Promise<AttachmentState> {
  const held = (await blobInfo(db, sha256)) !== undefined;
  const f = await db.selectFrom('attachment_fetches').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  return { held, attempts: f?.attempts ?? 0, lastError: f?.last_error ?? null, refusedAt: f?.refused_at ?? null };
}
