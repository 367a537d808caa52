import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const ackHelp = `parley ack --dir D --channel C [--as USER] ENTRY

Records that a person (USER, with the operator role) has read message ENTRY
of another party: a message-ack in this party's feed, which answers the
message's handling target on both sides. Acknowledging twice writes nothing
new. The ack's entry id is the last line printed.`;

interface AckJson {
  id: string;
  seq: number;
  time: string;
  already: boolean;
  by: string;
  provisional: boolean;
}

export async function ackCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string' }, channel: { type: 'string' }, as: { type: 'string' } },
  });
  if (!values.dir || positionals.length !== 1)
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'usage: parley ack --dir D --channel C [--as USER] ENTRY' });
  const { dir, ...rest } = values;
  const r = (await invoke(dir, 'ack', { ...rest, entry: positionals[0] })) as AckJson;
  io.out(
    r.already
      ? `already acknowledged as seq ${r.seq} at ${r.time}`
      : `acknowledged by ${r.by} as seq ${r.seq} at ${r.time}`,
  );
  if (r.provisional) io.out('note: this node has no users yet, so the command line acted with every role');
  io.out(r.id);
  return exitCodes.ok;
}
