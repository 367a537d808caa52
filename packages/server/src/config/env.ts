/** Environment variables, read once into raw values (STYLE.md: env → config). */
export interface RawEnv {
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  logLevel: string | undefined;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): RawEnv {
  return {
    databaseUrl: env.PARLEY_DATABASE_URL || undefined,
    databaseSchema: env.PARLEY_DATABASE_SCHEMA || undefined,
    logLevel: env.PARLEY_LOG_LEVEL || undefined,
  };
}
