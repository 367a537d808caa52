/** The hotline's projection tables (migration 0003-hotline), part of {@link Database}. */
export interface HotlineTables {
  message_answers: MessageAnswersTable;
  head_advances: HeadAdvancesTable;
}

/** A person's answer to a message: `ack` (message-ack, read) or `unread` (message-unread, with reason). */
export interface MessageAnswersTable {
  channel: string;
  message_id: string;
  /** The member whose feed holds the answer. */
  party: string;
  kind: 'ack' | 'unread';
  entry_id: string;
  seq: number;
  time: string;
  /** message-ack's `by`: the person who read it. */
  by_person: string | null;
  reason: string | null;
  note: string | null;
}

/**
 * `peer`'s entry `peer_seq` names `author`'s feed at `seq` in its heads, beyond
 * what the entry before it named: the first entry of `peer` covering a seq s is
 * the row with the lowest `peer_seq` whose `seq` ≥ s.
 */
export interface HeadAdvancesTable {
  channel: string;
  peer: string;
  peer_seq: number;
  author: string;
  seq: number;
  entry_id: string;
  time: string;
}
