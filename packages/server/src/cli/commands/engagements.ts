import { ParleyError } from '@parley/contract';
import type { EngagementViews } from '../../engagement/fold.js';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const engagementsHelp = `parley engagements --dir D --channel C [--json]

What the engagement rules make of the channel's record now (on the node's
clock): requests with their state (open, countered, accepted, declined,
withdrawn, unanswered), meetings, mechanisms (active or suspended), and
entries of other parties the rules refuse (stored and flagged). --json prints
everything: commitments, incidents, notifications, readouts, amendments.`;

export async function engagementsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { dir: { type: 'string' }, channel: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  const v = (await invoke(values.dir, 'engagements', { channel: values.channel })) as EngagementViews;
  if (values.json) {
    io.out(JSON.stringify(v, null, 2));
    return exitCodes.ok;
  }
  for (const m of v.mechanisms)
    io.out(
      `mechanism ${m.id} (level ${m.level}) ${m.state}${m.suspendedBy.length ? ` by ${m.suspendedBy.join(', ')}` : ''}`,
    );
  for (const r of v.requests)
    io.out(
      `${r.time} request ${r.id.slice(0, 8)} ${r.requester} ${r.mechanism} ${r.state}${r.late ? ' (answered late)' : ''}${
        r.onSuspendedMechanism ? ' (mechanism suspended)' : ''
      } deadline ${r.deadline} "${r.subject}"`,
    );
  for (const m of v.meetings) io.out(`${m.start} meeting ${m.id.slice(0, 8)} ${m.mechanism} ${m.state}`);
  for (const x of v.violations) io.out(`flagged ${x.entry.slice(0, 8)} ${x.author} ${x.type}: ${x.reason}`);
  return exitCodes.ok;
}
