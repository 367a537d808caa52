import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { printSent, type SentJson } from './sent.js';

export const releaseHelp = `parley release --dir D --as USER [--emergency] DRAFT

Releases a draft that is under two-person release: USER must be a different
user from its drafter and hold the releaser role. Its drafter may instead
release it alone with --emergency if they hold the releaser role; the record
flags it. The message entry id is the last line printed.`;

export async function releaseCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string' }, as: { type: 'string' }, emergency: { type: 'boolean' } },
  });
  if (!values.dir || positionals.length !== 1)
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'usage: parley release --dir D --as USER DRAFT' });
  const { dir, ...rest } = values;
  const r = (await invoke(dir, 'release', { ...rest, draft: positionals[0] })) as SentJson;
  printSent(io, 'released', r);
  return exitCodes.ok;
}
