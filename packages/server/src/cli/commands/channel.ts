import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const channelHelp = `parley channel propose --dir D --name NAME --members a,b[,c…] [--targets FLASH=10,IMMEDIATE=30,…]
parley channel accept  --dir D CHANNEL

A channel starts when every member has signed its charter (DESIGN.md's
defaults: handling targets, 48 h answer deadline, hourly link checks).
--targets sets handling targets in minutes for the precedences named.
"propose" prints the channel id as its last line.`;

export async function channelCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      name: { type: 'string' },
      members: { type: 'string' },
      targets: { type: 'string' },
    },
  });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  if (sub === 'propose') {
    const { name, members, targets } = values;
    const r = (await invoke(values.dir, 'channel-propose', { name, members, targets })) as {
      id: string;
      members: string[];
      reached: string[];
    };
    io.out(
      `proposed channel "${values.name}" to ${r.members.join(', ')}; offer delivered to: ${r.reached.join(', ') || 'nobody yet (sent when the link is up)'}`,
    );
    io.out(r.id);
    return exitCodes.ok;
  }
  if (sub === 'accept' && positionals.length === 1) {
    const r = (await invoke(values.dir, 'channel-accept', { channel: positionals[0] })) as {
      id: string;
      state: string;
      signed: string[];
    };
    io.out(`channel ${r.id}: ${r.state}, signed by ${r.signed.join(', ')}`);
    return exitCodes.ok;
  }
  throw new ParleyError('PARLEY_E_USAGE', {
    reason: 'usage: parley channel propose --dir D --name N --members a,b | parley channel accept --dir D CHANNEL',
  });
}
