export type { Capabilities } from './capabilities.js';
export { merkleNodeKey } from './merkle-nodes.js';
export { openStore, type PostgresConfig, type SqliteConfig, type StoreConfig } from './open-store.js';
export type {
  AlarmRow,
  ChannelRow,
  CheckpointRow,
  ForkRow,
  PeerRow,
  Store,
  StoredEntryRow,
} from './store.js';
