import type { Generated } from 'kysely';
import type { AttachmentTables } from './attachment-tables.js';
import type { HotlineTables } from './hotline-tables.js';

/** Kysely's view of the tables (snake_case columns; times are RFC 3339 text, hashes raw bytes). */
export interface Database extends HotlineTables, AttachmentTables {
  peers: PeersTable;
  channels: ChannelsTable;
  feeds: FeedsTable;
  entries: EntriesTable;
  merkle_nodes: MerkleNodesTable;
  checkpoints: CheckpointsTable;
  forks: ForksTable;
  alarms: AlarmsTable;
  peer_heads: PeerHeadsTable;
  entry_refs: EntryRefsTable;
  messages: MessagesTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  drafts: DraftsTable;
  working_translations: WorkingTranslationsTable;
  attachments: AttachmentsTable;
}

export interface PeersTable {
  party: string;
  card: string;
  fingerprint: string;
  added_at: string;
}

export interface ChannelsTable {
  id: string;
  charter: string;
  signatures: string;
  state: 'proposed' | 'active';
  created_at: string;
}

/** One row per feed held: its head (seq 0 and nulls while empty) and its Merkle tree size. */
export interface FeedsTable {
  channel: string;
  author: string;
  seq: number;
  id: string | null;
  time: string | null;
  tree_size: number;
}

export interface EntriesTable {
  channel: string;
  author: string;
  seq: number;
  id: string;
  type: string;
  time: string;
  header: string;
  sig: string;
  body: string;
  stored_at: string;
  flags: string;
}

export interface MerkleNodesTable {
  channel: string;
  author: string;
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface CheckpointsTable {
  channel: string;
  author: string;
  size: number;
  root: string;
  note: string;
  created_at: string;
}

export interface ForksTable {
  channel: string;
  author: string;
  seq: number;
  /** The two conflicting entry ids, sorted and joined by a comma: one row per distinct fork. */
  ids: string;
  proof: string;
  detected_at: string;
  from_peer: string | null;
}

export interface AlarmsTable {
  id: Generated<number>;
  kind: string;
  channel: string | null;
  message: string;
  details: string;
  raised_at: string;
  cleared_at: string | null;
}

export interface PeerHeadsTable {
  channel: string;
  peer: string;
  author: string;
  seq: number;
}

export interface EntryRefsTable {
  channel: string;
  from_id: string;
  to_id: string;
}

export interface MessagesTable {
  channel: string;
  author: string;
  seq: number;
  id: string;
  time: string;
  precedence: string;
  subject: string;
  serial: number;
  language: string;
  /**
   * 1 once, past its handling target, every other member has answered it: the
   * handling check reads it no more (migration 0007). A cache kept by that
   * check, 0 again after a rebuild until the check next runs.
   */
  settled: Generated<number>;
}

/** Console users. `roles` is a JSON array of role names; `disabled` is 0 or 1. */
export interface UsersTable {
  id: string;
  name: string;
  password_hash: string;
  roles: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
}

/** Console sessions. `id` is the SHA-256 (hex) of the cookie's token: the token itself is never stored. */
export interface SessionsTable {
  id: string;
  user_id: string;
  csrf: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  address: string | null;
}

/** The node's audit log of user actions; `details` is a JSON object. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user: string | null;
  action: string;
  target: string | null;
  address: string | null;
  details: string;
}

/** Messages drafted in the console and waiting for (or past) release; `body` is JSON, `emergency` 0 or 1. */
export interface DraftsTable {
  id: string;
  channel: string;
  drafter: string;
  created_at: string;
  body: string;
  state: string;
  released_by: string | null;
  released_at: string | null;
  entry_id: string | null;
  emergency: number;
}

/** A receiver's internal working translation of a message (never sent). */
export interface WorkingTranslationsTable {
  id: Generated<number>;
  channel: string;
  message_id: string;
  language: string;
  text: string;
  by: string;
  at: string;
}

/** Attachment bytes, addressed by the base64url SHA-256 of the bytes (hotline/attachments.ts). */
export interface AttachmentsTable {
  sha256: string;
  name: string;
  content_type: string;
  size: number;
  bytes: Uint8Array;
  created_at: string;
}
