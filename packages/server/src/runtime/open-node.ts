import { toBase64url } from '@parley/record';
import { type Clock, offsetClock, scenarioClock } from '../clock/clock.js';
import { readEnv } from '../config/env.js';
import { type NodeConfig, readNodeConfig } from '../config/node-config.js';
import { type Identity, loadIdentity } from '../identity/key-files.js';
import { otherKeys } from '../identity/key-rotation.js';
import type { SelfCard } from '../node/channels.js';
import { ParleyNode } from '../node/node.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { dataFiles } from './paths.js';

/** A node opened from its data directory: config, keys, store, the node itself. */
export interface OpenNode {
  dir: string;
  config: NodeConfig;
  identity: Identity;
  store: Store;
  node: ParleyNode;
  self: SelfCard;
  close(): Promise<void>;
}

/**
 * Opens the data directory's store: PARLEY_DATABASE_URL when set, else the
 * SQLite file in the directory (read-only with PARLEY_DATABASE_READONLY, capped
 * at PARLEY_SQLITE_MAX_BYTES).
 */
export async function openDataStore(dir: string): Promise<Store> {
  const env = readEnv();
  const store = env.databaseUrl
    ? await openStore({
        url: env.databaseUrl,
        ...(env.databaseSchema ? { schema: env.databaseSchema } : {}),
        ...(env.databasePrepare ? {} : { prepare: false }),
      })
    : await openStore({
        sqlitePath: dataFiles(dir).database,
        ...(env.databaseReadonly ? { readonly: true } : {}),
        ...(env.sqliteMaxBytes !== undefined ? { maxBytes: env.sqliteMaxBytes } : {}),
      });
  await store.migrate();
  return store;
}

export async function openNode(dir: string, options: { clock?: Clock } = {}): Promise<OpenNode> {
  const config = readNodeConfig(dir);
  const identity = await loadIdentity(dir);
  const store = await openDataStore(dir);
  const node = new ParleyNode({
    party: config.party,
    signer: identity.signer,
    otherSigners: await otherKeys(dir),
    store,
    clock: options.clock ?? envClock(),
    // A restored node pulls its own feed back at its first heartbeats: the grace outlasts several (decision 0027).
    claimGraceMs: Math.max(60_000, 5 * config.heartbeatSeconds * 1000),
  });
  const self: SelfCard = { party: config.party, names: config.names, key: toBase64url(identity.signer.publicKey) };
  return { dir, config, identity, store, node, self, close: () => store.close() };
}

/** The clock the environment asks for: a scenario clock (PARLEY_CLOCK_SCENARIO), offset by PARLEY_CLOCK_OFFSET_MS. */
export function envClock(): Clock {
  const { clockOffsetMs, clockScenario } = readEnv();
  const base = offsetClock(clockOffsetMs ?? 0);
  return clockScenario ? scenarioClock(clockScenario, base) : base;
}
