import type { Logger } from 'pino';
import type { Accounts } from '../accounts/accounts.js';
import type { OpContext } from '../runtime/operations.js';

export interface ConsoleApiOptions {
  accounts: Accounts;
  log: Logger;
  /**
   * The node the routes act on (`parley serve` passes its own). Without it only
   * routes that need no node work (sessions, users, audit); the others answer
   * PARLEY_E_INTERNAL.
   */
  ctx?: OpContext;
  /** Mark the session cookie Secure: set when the console is reached over TLS (default false: 127.0.0.1). */
  secureCookie?: boolean;
  /** Requests per minute per session (or per address without one) before PARLEY_E_RATE_LIMIT. Default 600. */
  ratePerMinute?: number;
}
