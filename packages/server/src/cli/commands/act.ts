import { resolve } from 'node:path';
import { ParleyError } from '@parley/contract';
import { bodyOf } from '../../runtime/engagement-operations.js';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const actHelp = `parley act --dir D --channel C --type T --body JSON|@FILE [--as USER] [--json]

Writes one engagement entry of type T as USER: a request for a call or
meeting and its answers (request, request-accept, request-decline,
request-counter, request-withdraw), meetings (meeting, meeting-confirm,
meeting-postpone, meeting-cancel), readouts, commitments (commitment-propose,
-agree, -status), incidents (incident-report, incident-response),
notifications (notification, notification-ack), mechanisms (charter-amend,
charter-accept, mechanism-suspend, mechanism-resume). The body is checked
against the contract's schema and then against the engagement rules as the
record stands (PARLEY_E_RULE says why not) before anything is signed.
A request may leave out its deadline (the mechanism's answer time, 48 h by
default); a charter-accept its charterHash; a notification-ack its "by".
The entry id is the last line printed.`;

interface ActJson {
  id: string;
  seq: number;
  time: string;
  type: string;
  by: string;
  provisional: boolean;
  onSuspendedMechanism?: boolean;
}

export async function actCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      channel: { type: 'string' },
      type: { type: 'string' },
      body: { type: 'string' },
      as: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  const { dir, json, body, ...rest } = values;
  // A file is read here, relative to where the command runs, not by the server.
  const parsed = bodyOf({ body: body?.startsWith('@') ? `@${resolve(body.slice(1))}` : body });
  const r = (await invoke(dir, 'act', { ...rest, body: parsed })) as ActJson;
  if (json) {
    io.out(JSON.stringify(r));
    return exitCodes.ok;
  }
  io.out(`${r.type} by ${r.by} as seq ${r.seq} at ${r.time}`);
  if (r.onSuspendedMechanism)
    io.out('note: the mechanism is suspended; the request is recorded as made during the suspension');
  if (r.provisional) io.out('note: this node has no users yet, so the command line acted with every role');
  io.out(r.id);
  return exitCodes.ok;
}
