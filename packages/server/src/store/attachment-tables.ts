/** The attachments' tables (migration 0004-attachments), part of {@link Database}. */
export interface AttachmentTables {
  attachment_refs: AttachmentRefsTable;
  attachment_fetches: AttachmentFetchesTable;
  attachment_wanted: AttachmentWantedTable;
}

/** One attachment named by one entry (projection of the record). */
export interface AttachmentRefsTable {
  channel: string;
  entry_id: string;
  author: string;
  seq: number;
  /** base64url SHA-256 of the bytes, as the entry names it. */
  sha256: string;
  name: string;
  content_type: string;
  size: number;
}

/** This node's fetching of a peer's blob: retried at `next_at`; `refused_at` once bytes failed verification. */
export interface AttachmentFetchesTable {
  sha256: string;
  attempts: number;
  next_at: string;
  last_error: string | null;
  refused_at: string | null;
}

/** A blob some entry names that this node does not hold (projection, migration 0006). */
export interface AttachmentWantedTable {
  sha256: string;
}
