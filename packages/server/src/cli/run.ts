import { isParleyError, ParleyError } from '@parley/contract';
import { ackCommand, ackHelp } from './commands/ack.js';
import { actCommand, actHelp } from './commands/act.js';
import { channelCommand, channelHelp } from './commands/channel.js';
import { demoCommand, demoHelp } from './commands/demo.js';
import { engagementsCommand, engagementsHelp } from './commands/engagements.js';
import { initCommand, initHelp } from './commands/init.js';
import { keyCommand, keyHelp } from './commands/key.js';
import { peerCommand, peerHelp } from './commands/peer.js';
import { releaseCommand, releaseHelp } from './commands/release.js';
import { sendCommand, sendHelp } from './commands/send.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import {
  exportCommand,
  exportHelp,
  logCommand,
  logHelp,
  rebuildCommand,
  rebuildHelp,
  statusCommand,
  statusHelp,
} from './commands/simple.js';
import { userCommand, userHelp } from './commands/user.js';
import { verifyCommand, verifyHelp } from './commands/verify.js';
import { exitCodes, type Io } from './io.js';

type Command = { run: (args: string[], io: Io) => Promise<number>; help: string; summary: string };

/** The commands this build has; DESIGN.md's "Command line" names the rest as they arrive. */
const commands: Record<string, Command> = {
  init: { run: initCommand, help: initHelp, summary: 'create a node: keys, TLS certificate, config, database' },
  serve: { run: serveCommand, help: serveHelp, summary: 'run the node: link and console port' },
  peer: { run: peerCommand, help: peerHelp, summary: "print this party's peer card, or pin a peer" },
  key: { run: keyCommand, help: keyHelp, summary: "rotate this party's identity key" },
  channel: { run: channelCommand, help: channelHelp, summary: 'propose or accept a channel' },
  user: { run: userCommand, help: userHelp, summary: 'add a console user (the first admin)' },
  send: { run: sendCommand, help: sendHelp, summary: 'send a hotline message' },
  release: { run: releaseCommand, help: releaseHelp, summary: 'release a draft (two-person release)' },
  ack: { run: ackCommand, help: ackHelp, summary: 'a person has read a message' },
  act: { run: actCommand, help: actHelp, summary: 'write an engagement entry (request, answer, meeting, readout…)' },
  engagements: { run: engagementsCommand, help: engagementsHelp, summary: 'requests, meetings, mechanisms now' },
  status: { run: statusCommand, help: statusHelp, summary: 'links, lag, alarms' },
  log: { run: logCommand, help: logHelp, summary: 'the record, newest last' },
  export: { run: exportCommand, help: exportHelp, summary: 'write an evidence bundle' },
  verify: { run: verifyCommand, help: verifyHelp, summary: 'verify an evidence bundle offline' },
  rebuild: { run: rebuildCommand, help: rebuildHelp, summary: 'rebuild every projection from the feeds' },
  demo: { run: demoCommand, help: demoHelp, summary: 'two nodes on this machine replaying the 2022–2024 scenario' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'usage: parley <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'parley help <command> for its options',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code; every error is printed with its catalogued code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && args[0] ? commands[args[0]] : undefined;
    io.out(topic ? topic.help : usage());
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  const command = commands[name];
  try {
    if (!command) throw new ParleyError('PARLEY_E_USAGE', { reason: `unknown command "${name}"; try parley help` });
    if (args.includes('--help')) {
      io.out(command.help);
      return exitCodes.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: Io): number {
  if (isParleyError(error)) {
    io.err(`parley: ${error.code}: ${error.message}`);
    return error.code === 'PARLEY_E_USAGE' ? exitCodes.usage : exitCodes.failed;
  }
  // node:util parseArgs throws TypeErrors with codes for unknown or malformed options.
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.err(`parley: PARLEY_E_USAGE: ${(error as Error).message}`);
    return exitCodes.usage;
  }
  io.err(`parley: PARLEY_E_INTERNAL: ${(error as Error)?.stack ?? String(error)}`);
  return exitCodes.failed;
}
