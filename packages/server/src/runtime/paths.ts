import { join } from 'node:path';

/** Files of a node's data directory. */
export const dataFiles = (dir: string) => ({
  config: join(dir, 'config.json'),
  database: join(dir, 'parley.sqlite'),
  controlToken: join(dir, 'control.token'),
  /** Written by `parley serve` while it runs: where to reach it. */
  serving: join(dir, 'serve.json'),
});
