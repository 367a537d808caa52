import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const keyHelp = `parley key rotate --dir D

Replaces this party's identity key. A new Ed25519 key is made; every active
channel gets a key-rotate entry, signed by the old key, carrying the new
key's proof; from the next seq each channel is signed by the new key. The
new key is then identity.key (mode 0600) and the old one is kept as
identity.key.<n>.old. Works on a running node (through its control port) or
a stopped one. Interrupted, run it again: it finishes the same rotation.
Afterwards give peers the new card (parley peer card) for channels to come.`;

interface Rotated {
  key: string;
  previousKey: string;
  oldKeyFile: string;
  resumed: boolean;
  channels: Array<{ channel: string; seq: number }>;
}

export async function keyCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { dir: { type: 'string' } },
  });
  if (sub !== 'rotate' || positionals.length > 0 || !values.dir)
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'usage: parley key rotate --dir D' });
  const r = (await invoke(values.dir, 'key-rotate')) as Rotated;
  if (r.resumed) io.out('finished an interrupted rotation');
  for (const c of r.channels) io.out(`key-rotate       ${c.channel} seq ${c.seq}`);
  io.out(`old key          ${r.previousKey} (kept as ${r.oldKeyFile})`);
  io.out(`identity key     ${r.key}`);
  return exitCodes.ok;
}
