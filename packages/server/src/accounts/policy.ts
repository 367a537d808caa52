/** How sign-in and sessions behave; every field has a default (see {@link defaultPolicy}). */
export interface AccountPolicy {
  /** A session ends after this long without a request… */
  idleMs: number;
  /** …and this long after sign-in, whatever happens. */
  absoluteMs: number;
  /** Wrong passwords in a row that lock an account… */
  maxFailures: number;
  /** …for this long. */
  lockMs: number;
  /** Failed sign-ins from one address within `addressWindowMs` before that address is refused (any name). */
  addressFailures: number;
  addressWindowMs: number;
  /** scrypt cost as log2 N for new password hashes (15: N = 32768, r = 8, about 32 MiB and 0.1 s). */
  scryptLogN: number;
}

const minute = 60_000;

export const defaultPolicy: AccountPolicy = {
  idleMs: 30 * minute,
  absoluteMs: 12 * 60 * minute,
  maxFailures: 5,
  lockMs: 15 * minute,
  addressFailures: 20,
  addressWindowMs: 15 * minute,
  scryptLogN: 15,
};
