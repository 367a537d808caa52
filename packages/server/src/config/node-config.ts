import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { limits, ParleyError } from '@parley/contract';
import { z } from 'zod';

/** config.json in a node's data directory, written by `parley init`. */
export const nodeConfigSchema = z.strictObject({
  v: z.literal(1),
  party: z.string().regex(limits.partyId),
  names: z.record(z.string(), z.string().min(1).max(limits.shortText)),
  lang: z.string().min(2).max(35),
  link: z.strictObject({ host: z.string(), port: z.number().int().min(0).max(65535) }),
  console: z.strictObject({
    host: z.string(),
    port: z.number().int().min(0).max(65535),
    /** Mark the session cookie Secure: set when a TLS proxy fronts the console. Default false. */
    secureCookie: z.boolean().optional(),
    /** A console session ends after this many idle minutes (default 30)… */
    sessionIdleMinutes: z
      .number()
      .min(1)
      .max(24 * 60)
      .optional(),
    /** …and this many hours after sign-in (default 12). */
    sessionHours: z
      .number()
      .min(0.1)
      .max(24 * 30)
      .optional(),
  }),
  /** Link endpoints advertised in the peer card, primary first. */
  endpoints: z.array(z.string().url()).min(1).max(8),
  /** Checkpoint at least every `entries` entries or `seconds` seconds of new content. */
  checkpoints: z.strictObject({ entries: z.number().int().min(1), seconds: z.number().min(0.1) }),
  /** Technical heartbeat period. */
  heartbeatSeconds: z.number().min(0.1).max(600),
});

export type NodeConfig = z.infer<typeof nodeConfigSchema>;

export const configFile = (dir: string) => join(dir, 'config.json');

export function readNodeConfig(dir: string): NodeConfig {
  let text: string;
  try {
    text = readFileSync(configFile(dir), 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no config.json: run parley init first' : String(error);
    throw new ParleyError('PARLEY_E_IO', { op: 'read', path: configFile(dir), reason });
  }
  const parsed = nodeConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParleyError('PARLEY_E_USAGE', { reason: `config.json: ${issue.path.join('.')}: ${issue.message}` });
  }
  return parsed.data;
}

export function writeNodeConfig(dir: string, config: NodeConfig): void {
  writeFileSync(configFile(dir), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}
