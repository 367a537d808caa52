import { parseArgs } from 'node:util';
import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';

export const sendHelp = `parley send --dir D --channel C --subject S --text T [--precedence FLASH|IMMEDIATE|PRIORITY|ROUTINE]
            [--language en] [--marking M] [--reply-to ENTRY] [--drafter NAME]

Signs and appends a hotline message to this party's feed; while "parley serve"
runs for D it is pushed at once, otherwise when the node next serves.`;

export async function sendCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      channel: { type: 'string' },
      precedence: { type: 'string' },
      subject: { type: 'string' },
      text: { type: 'string' },
      language: { type: 'string' },
      marking: { type: 'string' },
      'reply-to': { type: 'string' },
      drafter: { type: 'string' },
    },
  });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  const { dir, ...rest } = values;
  const r = (await invoke(dir, 'send', rest)) as { id: string; seq: number; serial: number; time: string };
  io.out(`sent serial ${r.serial} as seq ${r.seq} at ${r.time}`);
  io.out(r.id);
  return exitCodes.ok;
}
