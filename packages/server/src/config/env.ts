import { ParleyError } from '@parley/contract';
import { type ClockScenario, parseClockScenario } from '../clock/clock.js';

/** Environment variables, read once into raw values (STYLE.md: env → config). */
export interface RawEnv {
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  logLevel: string | undefined;
  /** PARLEY_CLOCK_OFFSET_MS: added to the system clock (signed ms), to run a node with a skewed clock. */
  clockOffsetMs: number | undefined;
  /**
   * PARLEY_CLOCK_SCENARIO=<startISO>@<wallAnchorMs>x<rate>[;<atISO>x<rate>]…:
   * run the node on a scenario clock (the demo) that stands at start at the
   * wall-clock anchor, runs rate× fast (changing rate at each atISO) until it
   * reaches the present, then at real time (clock/clock.ts scenarioClock).
   */
  clockScenario: ClockScenario | undefined;
  /** PARLEY_DATABASE_READONLY=1: open the SQLite file read-only (every write fails with PARLEY_E_IO). */
  databaseReadonly: boolean;
  /**
   * PARLEY_DATABASE_PREPARE=0: never prepare statements on the PostgreSQL
   * server (for a pooler that hands a session's statements to other
   * connections, such as PgBouncer in transaction mode).
   */
  databasePrepare: boolean;
  /** PARLEY_SQLITE_MAX_BYTES: cap the SQLite file's size, as a full disk would. */
  sqliteMaxBytes: number | undefined;
  /** PARLEY_LINK_REQUEST_TIMEOUT_MS: a link request must arrive whole within this time (default 15 s; tests shorten it). */
  linkRequestTimeoutMs: number | undefined;
  /** PARLEY_LINK_RATE_PER_SECOND: requests per peer per second before PARLEY_E_RATE_LIMIT (default 200). */
  linkRatePerSecond: number | undefined;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): RawEnv {
  return {
    databaseUrl: env.PARLEY_DATABASE_URL || undefined,
    databaseSchema: env.PARLEY_DATABASE_SCHEMA || undefined,
    logLevel: env.PARLEY_LOG_LEVEL || undefined,
    clockOffsetMs: integer(env, 'PARLEY_CLOCK_OFFSET_MS'),
    clockScenario: scenario(env),
    databaseReadonly: env.PARLEY_DATABASE_READONLY === '1' || env.PARLEY_DATABASE_READONLY === 'true',
    databasePrepare: env.PARLEY_DATABASE_PREPARE !== '0' && env.PARLEY_DATABASE_PREPARE !== 'false',
    sqliteMaxBytes: integer(env, 'PARLEY_SQLITE_MAX_BYTES'),
    linkRequestTimeoutMs: integer(env, 'PARLEY_LINK_REQUEST_TIMEOUT_MS'),
    linkRatePerSecond: integer(env, 'PARLEY_LINK_RATE_PER_SECOND'),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new ParleyError('PARLEY_E_USAGE', { reason: `${name} must be an integer` });
  return n;
}

function scenario(env: NodeJS.ProcessEnv): ClockScenario | undefined {
  const text = env.PARLEY_CLOCK_SCENARIO;
  if (!text) return undefined;
  const parsed = parseClockScenario(text);
  if (typeof parsed === 'string')
    throw new ParleyError('PARLEY_E_USAGE', { reason: `PARLEY_CLOCK_SCENARIO: ${parsed}` });
  return parsed;
}
