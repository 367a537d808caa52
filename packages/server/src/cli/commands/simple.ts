import { ParleyError } from '@parley/contract';
import { invoke } from '../invoke.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const statusHelp = `parley status --dir D [--json]   links, lag, alarms, channels and their heads`;
export const logHelp = `parley log --dir D --channel C   the record, one line per entry, newest last`;
export const exportHelp = `parley export --dir D --channel C [--from T] [--to T] [--disclose TYPES|all] > bundle.json

Writes an evidence bundle (parley-evidence/1): the charter and its signatures,
key history, the entries in the window (headers and signatures always; bodies
only of the types named in --disclose), and the checkpoints. It is verified
before it is written.

parley export --dir D --prove-unanswered REQUEST [--party P] [--channel C] > bundle.json

Evidence of silence: proves, with bodies withheld, that the responder's node
stored the request (its own receipt) and that its feed holds no answer
(request-accept, -decline, -counter) up to the request's deadline. Discloses
only the request's body and the bodies of the responder's entries of those
three types (to show each answers another request). Refused before the
deadline, or when the responder answered.`;
export const rebuildHelp = `parley rebuild --dir D   rebuild every projection from the feeds`;

function dirOf(values: { dir?: string | undefined }): string {
  if (!values.dir) throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir is required' });
  return values.dir;
}

export async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, json: { type: 'boolean' } } });
  const s = (await invoke(dirOf(values), 'status')) as StatusJson;
  if (values.json) io.out(JSON.stringify(s, null, 2));
  else for (const line of formatStatus(s)) io.out(line);
  return exitCodes.ok;
}

export async function logCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, channel: { type: 'string' } } });
  const r = (await invoke(dirOf(values), 'log', { channel: values.channel })) as { lines: string[] };
  for (const line of r.lines) io.out(line);
  return exitCodes.ok;
}

export async function exportCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      channel: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      disclose: { type: 'string' },
      'prove-unanswered': { type: 'string' },
      party: { type: 'string' },
    },
  });
  const { dir: _dir, ...rest } = values;
  io.out(JSON.stringify(await invoke(dirOf(values), 'export', rest)));
  return exitCodes.ok;
}

export async function rebuildCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' } } });
  const r = (await invoke(dirOf(values), 'rebuild')) as { replayed: number };
  io.out(`rebuilt every projection from ${r.replayed} entries`);
  return exitCodes.ok;
}

interface StatusJson {
  party: string;
  serving: boolean;
  channels: Array<{
    id: string;
    name: string;
    state: string;
    members: string[];
    signed: string[];
    heads: Record<string, number>;
  }>;
  peers: Array<{
    party: string;
    fingerprint: string;
    link: {
      state: string;
      endpoint: string;
      endpoints: Array<{
        url: string;
        state: string;
        rttMs: number | null;
        offsetMs: number | null;
        lastContact: string | null;
      }>;
      /** Feeds whose pushes the peer refuses, held back while the others go on (decision 0028). */
      refusing?: Array<{ channel: string; author: string; code: string; since: string }>;
    } | null;
    unacknowledged: Record<string, number>;
  }>;
  alarms: Array<{ kind: string; message: string; raisedAt: string }>;
  forks: number;
}

function formatStatus(s: StatusJson): string[] {
  const lines = [`${s.party} — ${s.serving ? 'serving' : 'not serving (parley serve --dir D)'}`];
  for (const c of s.channels) {
    const heads =
      Object.entries(c.heads)
        .map(([a, n]) => `${a}#${n}`)
        .join(' ') || 'empty';
    lines.push(
      `channel ${c.id} "${c.name}" ${c.state} (${c.members.join(', ')}${c.state === 'proposed' ? `; signed: ${c.signed.join(', ')}` : ''}) heads: ${heads}`,
    );
  }
  for (const p of s.peers) {
    const lag = Object.values(p.unacknowledged).reduce((a, b) => a + b, 0);
    if (!p.link) {
      lines.push(`peer ${p.party}: link not running; ${lag} entries not yet acknowledged`);
      continue;
    }
    lines.push(`peer ${p.party}: ${p.link.state} via ${p.link.endpoint}; ${lag} entries not yet acknowledged`);
    for (const e of p.link.endpoints) {
      const rtt = e.rttMs === null ? '-' : `${e.rttMs} ms`;
      const offset = e.offsetMs === null ? '-' : `${Math.round(e.offsetMs)} ms`;
      lines.push(`  ${e.url} ${e.state} rtt ${rtt} clock offset ${offset} last contact ${e.lastContact ?? 'never'}`);
    }
    for (const r of p.link.refusing ?? [])
      lines.push(
        `  REFUSED: ${p.party} refuses ${r.author}'s entries in channel ${r.channel}: ${r.code} (since ${r.since}; held back, the other feeds go on)`,
      );
  }
  for (const a of s.alarms) lines.push(`ALARM ${a.kind}: ${a.message} (since ${a.raisedAt})`);
  if (s.forks > 0) lines.push(`FORKS: ${s.forks} fork proof(s) kept as evidence`);
  if (s.alarms.length === 0 && s.forks === 0) lines.push('no alarms');
  return lines;
}
