import { ParleyError } from '@parley/contract';
import type { Clock } from '../clock/clock.js';
import { KyselyStore } from '../store/kysely-store.js';
import type { Store } from '../store/store.js';
import { Accounts } from './accounts.js';
import type { AccountPolicy } from './policy.js';

/** The accounts kept in the same database as the node's record. */
export function accountsFor(store: Store, clock: Clock, policy: Partial<AccountPolicy> = {}): Accounts {
  if (!(store instanceof KyselyStore)) {
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'console accounts need the Kysely store' });
  }
  return new Accounts(store.db, clock, policy);
}
