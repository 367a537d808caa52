import { ParleyError } from '@parley/contract';
import { serve } from '../../runtime/serve.js';
import { runningServer } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const serveHelp = `parley serve --dir D

Runs the node: the link (pinned mutual TLS 1.3) and the console port
(/healthz, /metrics, the control API the CLI uses while this runs). Prints
where both listen. Ctrl-C or SIGTERM stops it after in-flight work finishes.`;

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' } } });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  const running = runningServer(values.dir);
  if (running)
    throw new ParleyError('PARLEY_E_USAGE', { reason: `already serving (pid ${running.pid}, ${running.console})` });
  const serving = await serve(values.dir);
  io.out(`${serving.open.config.party} serving`);
  io.out(`link     ${serving.linkUrl}`);
  io.out(`console  ${serving.consoleUrl}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void serving.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.out('stopped');
  return exitCodes.ok;
}
