import { resolve } from 'node:path';
import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { printSent, type SentJson } from './sent.js';

export const sendHelp = `parley send --dir D --channel C --subject S --text T [--precedence FLASH|IMMEDIATE|PRIORITY|ROUTINE]
            [--as USER] [--emergency] [--language en] [--marking M] [--reply-to ENTRY]
            [--attach FILE]...

Sends a hotline message as USER (a user of the node with the operator role;
a node without users yet acts as "cli" with every role). Precedences under
the charter's two-person release (FLASH and IMMEDIATE by default) become a
draft that a different user holding the releaser role sends with
"parley release"; its id is the last line printed. --emergency lets a
releaser send one alone: the record flags it as an emergency release.
While "parley serve" runs for D the message is pushed at once, otherwise
when the node next serves. The entry id is the last line printed.
--attach FILE (repeatable) attaches a file: its media type comes from its
extension (application/octet-stream if unknown) and must be one the contract
allows; at most 16 MiB each. The peer fetches it over the link and verifies
it against the hash in the signed message.`;

interface DraftJson {
  draft: string;
  precedence: string;
  drafter: string;
}

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
      as: { type: 'string' },
      emergency: { type: 'boolean' },
      attach: { type: 'string', multiple: true },
    },
  });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  const { dir, attach, ...rest } = values;
  const files = (attach ?? []).map((f) => resolve(f));
  const opArgs = files.length ? { ...rest, attach: files } : rest;
  const r = (await invoke(dir, 'send', opArgs)) as SentJson | (DraftJson & { provisional: boolean });
  if ('draft' in r) {
    io.out(
      `drafted ${r.precedence} by ${r.drafter}: it is under two-person release; a different releaser sends it with parley release --dir D --as USER ${r.draft}`,
    );
    if (r.provisional) io.out('note: this node has no users yet, so the command line acted with every role');
    io.out(r.draft);
    return exitCodes.ok;
  }
  printSent(io, 'sent', r);
  return exitCodes.ok;
}
