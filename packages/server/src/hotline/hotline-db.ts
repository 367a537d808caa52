import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { KyselyStore } from '../store/kysely-store.js';
import type { Store } from '../store/store.js';

/**
 * The database under a store, for what the hotline keeps beside the record
 * (drafts, users' roles) and for reading its projections (message_answers,
 * head_advances), which the store writes in the same transaction as entries.
 */
export function databaseOf(store: Store): Kysely<Database> {
  if (store instanceof KyselyStore) return store.db;
  throw new TypeError('the hotline needs a Kysely-backed store');
}
