import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { limits, ParleyError } from '@parley/contract';
import { toBase64url } from '@parley/record';
import { writeNodeConfig } from '../../config/node-config.js';
import { createIdentity } from '../../identity/key-files.js';
import { openDataStore } from '../../runtime/open-node.js';
import { dataFiles } from '../../runtime/paths.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';

export const initHelp = `parley init --dir D --party ID --name NAME [--lang en] [--link-port N] [--console-port N]
            [--link-host H] [--console-host H] [--endpoint URL]…

Creates a node's data directory: the identity key (Ed25519) and a separate TLS
key and self-signed certificate (files mode 0600), config.json, the control
token and the database. Link endpoints advertised in the peer card default to
https://127.0.0.1:<link-port>; give --endpoint (repeatable, primary first) for
addresses peers will dial.`;

export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      party: { type: 'string' },
      name: { type: 'string' },
      lang: { type: 'string', default: 'en' },
      'link-port': { type: 'string', default: '7400' },
      'console-port': { type: 'string', default: '7401' },
      'link-host': { type: 'string', default: '127.0.0.1' },
      'console-host': { type: 'string', default: '127.0.0.1' },
      endpoint: { type: 'string', multiple: true },
    },
  });
  if (!v.dir || !v.party || !v.name)
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'usage: parley init --dir D --party ID --name NAME' });
  if (!limits.partyId.test(v.party))
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--party: 2–32 characters of [a-z0-9-]' });
  const port = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new ParleyError('PARLEY_E_USAGE', { reason: `--${name} must be a port number` });
    return n;
  };
  const linkPort = port('link-port', v['link-port']!);
  const consolePort = port('console-port', v['console-port']!);
  const endpoints = v.endpoint?.length ? v.endpoint : [`https://127.0.0.1:${linkPort}`];
  const hosts = endpoints.map((e) => new URL(e).hostname.replace(/^\[|\]$/g, ''));
  const identity = await createIdentity(v.dir, v.party, { hosts });
  writeNodeConfig(v.dir, {
    v: 1,
    party: v.party,
    names: { [v.lang!]: v.name },
    lang: v.lang!,
    link: { host: v['link-host']!, port: linkPort },
    console: { host: v['console-host']!, port: consolePort },
    endpoints,
    checkpoints: { entries: 100, seconds: 60 },
    heartbeatSeconds: 2,
  });
  writeFileSync(dataFiles(v.dir).controlToken, toBase64url(randomBytes(32)), { mode: 0o600, flag: 'wx' });
  const store = await openDataStore(v.dir);
  await store.close();
  io.out(`initialised ${v.party} in ${v.dir}`);
  io.out(`identity key     ${toBase64url(identity.signer.publicKey)}`);
  io.out(`tls fingerprint  ${identity.tls.fingerprint.match(/.{1,4}/g)!.join(' ')}`);
  io.out(`link             ${endpoints.join(', ')} (listens on ${v['link-host']}:${linkPort})`);
  io.out(`console          http://${v['console-host']}:${consolePort}`);
  io.out(
    `next: parley peer card --dir ${v.dir} > ${v.party}.card.json; compare fingerprints with each peer out of band; parley peer add`,
  );
  return exitCodes.ok;
}
