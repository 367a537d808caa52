import { readFileSync } from 'node:fs';
import { ParleyError } from '@parley/contract';
import { parseJson } from '@parley/record';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const peerHelp = `parley peer card --dir D          print this party's signed peer card (JSON)
parley peer add  --dir D CARD.json pin a peer: its identity key and TLS certificate fingerprint

Compare the fingerprint printed by "peer add" with the one the peer's
administrator reads out from "parley init" (by telephone, in person) before
trusting the channel: that comparison is the key ceremony.`;

export async function peerCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { dir: { type: 'string' } },
  });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  if (sub === 'card') {
    io.out(JSON.stringify(await invoke(values.dir, 'peer-card'), null, 2));
    return exitCodes.ok;
  }
  if (sub === 'add' && positionals.length === 1) {
    let card: unknown;
    try {
      card = parseJson(readFileSync(positionals[0]!));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code) {
        throw new ParleyError('PARLEY_E_IO', {
          op: 'read',
          path: positionals[0]!,
          reason: (error as NodeJS.ErrnoException).code!,
        });
      }
      throw error;
    }
    const r = (await invoke(values.dir, 'peer-add', { card })) as {
      party: string;
      key: string;
      fingerprint: string;
      endpoints: string[];
    };
    io.out(`pinned ${r.party}`);
    io.out(`identity key     ${r.key}`);
    io.out(`tls fingerprint  ${r.fingerprint.match(/.{1,4}/g)!.join(' ')}`);
    io.out(`endpoints        ${r.endpoints.join(', ')}`);
    return exitCodes.ok;
  }
  throw new ParleyError('PARLEY_E_USAGE', {
    reason: 'usage: parley peer card --dir D | parley peer add --dir D CARD.json',
  });
}
