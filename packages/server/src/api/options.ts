import type { Logger } from 'pino';
import type { Accounts } from '../accounts/accounts.js';

export interface ConsoleApiOptions {
  accounts: Accounts;
  log: Logger;
  /** Mark the session cookie Secure: set when the console is reached over TLS (default false: 127.0.0.1). */
  secureCookie?: boolean;
  /** Requests per minute per session (or per address without one) before PARLEY_E_RATE_LIMIT. Default 600. */
  ratePerMinute?: number;
}
