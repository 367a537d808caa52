import { resolve } from 'node:path';
import { ParleyError } from '@parley/contract';
import { defaultDemoDir, runDemo } from '../../demo/demo.js';
import type { Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const demoHelp = `parley demo [--dir D] [--fresh] [--minutes M] [--until replayed]

Starts two nodes, cn-jsd and us-js, as separate processes on loopback (real
TLS, SQLite), peers them, opens one channel with the mechanisms of the
PRC–US military channel, creates a user for every role on both sides and
prints their logins and both console URLs; then replays Aug 2022 – Sep 2024
in order, with real dates, on a scenario clock that runs fast until it
reaches the present. Every event is a reconstruction from public reporting
and names its source. Ctrl-C stops both nodes cleanly; running it again
resumes where it stopped (it says which), --fresh starts over.

  --dir D             where the two data directories live (default ~/.parley-demo, or PARLEY_DEMO_DIR)
  --fresh             start over, deleting an earlier demo in D
  --minutes M         real minutes the scenario clock takes from Jul 2022 to the present (default 5)
  --until replayed    stop after the replay, once both nodes hold the same record (also PARLEY_DEMO_UNTIL)`;

export async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      fresh: { type: 'boolean' },
      minutes: { type: 'string', default: '5' },
      until: { type: 'string' },
    },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0 && minutes <= 24 * 60))
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--minutes must be a number of minutes above 0' });
  const until = values.until ?? (process.env.PARLEY_DEMO_UNTIL || undefined);
  if (until !== undefined && until !== 'replayed')
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--until takes one value: replayed' });
  const stopSignal = new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return runDemo(
    { dir: resolve(values.dir ?? defaultDemoDir()), fresh: values.fresh ?? false, minutes, until, stopSignal },
    io,
  );
}
