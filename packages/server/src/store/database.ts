import type { Generated } from 'kysely';

/** Kysely's view of the tables (snake_case columns; times are RFC 3339 text, hashes raw bytes). */
export interface Database {
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
}
