import type { Run } from './feed-runs.js';

/** What `parley verify` establishes about a bundle. Every statement is proven; nothing here is merely asserted unless it says so. */
export interface EvidenceReport {
  format: 'parley-evidence/1';
  channel: { id: string; members: string[]; name?: string } | null;
  /** True when every party's first key is the key the co-signed charter gives it. */
  keysAnchored: boolean;
  feeds: FeedReport[];
  checkpoints: CheckpointReport[];
  proofs: string[];
  claims: ClaimReport[];
  /** Things that verify but that a reader should know (e.g. entries dated ahead of a cosignature). */
  notes: string[];
  /** Human-readable lines, in order: what is proven. */
  statements: string[];
}

export interface FeedReport {
  author: string;
  entries: number;
  disclosed: number;
  runs: Run[];
}

export interface CheckpointReport {
  index: number;
  origin: string;
  author: string;
  size: number;
  root: string;
  cosigners: Array<{ party: string; time: string }>;
}

export interface ClaimReport {
  index: number;
  kind: string;
  statement: string;
}
