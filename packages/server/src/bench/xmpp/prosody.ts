import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { run, stopChild } from './cleanup.js';

/** The two ports Prosody listens on; s2s must be 5269: a domain that is an IP literal is dialled there. */
export const c2sPort = 5222;
export const s2sPort = 5269;

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs Prosody from Debian's packages when it is missing (and says so).
 * If the install started the system service (a systemd machine), stops it:
 * it would hold ports 5222/5269 on every address.
 */
export async function ensureProsody(say: (line: string) => void): Promise<{ installed: boolean; version: string }> {
  let installed = false;
  if (!onPath('prosody')) {
    if (!onPath('apt-get')) throw new Error('Prosody is not installed and there is no apt-get to install it with');
    say("Prosody is not installed: installing it from Debian's packages (apt-get install -y prosody)…");
    const root = process.getuid?.() === 0;
    const apt = (args: string[]) =>
      root ? run('apt-get', args, { env: aptEnv }) : run('sudo', ['-n', 'apt-get', ...args], { env: aptEnv });
    try {
      await apt(['install', '-y', 'prosody']);
    } catch {
      await apt(['update', '-qq']);
      await apt(['install', '-y', 'prosody']);
    }
    installed = true;
    if (existsSync('/run/systemd/system') && onPath('systemctl')) {
      say('stopping the system prosody service the install started (systemctl stop prosody)');
      await run(root ? 'systemctl' : 'sudo', root ? ['stop', 'prosody'] : ['-n', 'systemctl', 'stop', 'prosody']).catch(
        () => undefined,
      );
    }
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const out = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'prosody'], { encoding: 'utf8' });
  return { installed, version: out.status === 0 ? out.stdout.trim() : 'unknown' };
}

const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };

/**
 * A certificate authority for this run and, per host, a key and a
 * certificate naming the host both as dNSName (what Prosody matches an XMPP
 * domain against) and as iPAddress (what Node's TLS client checks).
 */
export async function makeCertificates(dir: string, hosts: string[]): Promise<{ ca: string }> {
  mkdirSync(dir, { recursive: true });
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    '/CN=parley-bench-xmpp-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  for (const host of hosts) {
    const base = join(dir, host);
    writeFileSync(
      `${base}.ext`,
      `subjectAltName=DNS:${host},IP:${host}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`,
    );
    await run('openssl', ['req', ...ec, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${host}`]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      `${base}.crt`,
      '-days',
      '2',
      '-extfile',
      `${base}.ext`,
    ]);
  }
  return { ca };
}

/**
 * One Prosody server: its own config, data directory, pid file and log under
 * `dir`, listening only on `host`, whose XMPP domain is the address itself.
 *
 * Tuned as someone would for this job: the `limits` module (on in Debian's
 * default config, a client capped at 10 kB/s) is not loaded, and Nagle's
 * algorithm is off (network_settings.nagle = false: TCP_NODELAY on c2s and
 * s2s sockets). Everything else follows Debian's default module list.
 * s2s is TLS only and authenticated by certificate (s2s_secure_auth: the
 * peer's certificate must chain to this run's CA and name its domain; SASL
 * EXTERNAL), so dialback is never used.
 */
export function prosodyConfig(dir: string, host: string, certs: string, ca: string): string {
  const q = (s: string) => JSON.stringify(s);
  const modules = [
    'disco',
    'roster',
    'saslauth',
    'tls',
    'blocklist',
    'bookmarks',
    'carbons',
    'dialback',
    'pep',
    'private',
    'smacks',
    'vcard4',
    'vcard_legacy',
    'csi_simple',
    'ping',
    'time',
    'uptime',
    'version',
    'posix',
  ];
  return `-- written by npm run bench:xmpp for one run; removed with it
${process.getuid?.() === 0 ? 'run_as_root = true\n' : ''}pidfile = ${q(join(dir, 'prosody.pid'))}
data_path = ${q(join(dir, 'data'))}
certificates = ${q(certs)}
interfaces = { ${q(host)} }
c2s_ports = { ${c2sPort} }
s2s_ports = { ${s2sPort} }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
legacy_ssl_ports = { }
network_settings = { nagle = false }
modules_enabled = { ${modules.map(q).join('; ')} }
-- not loaded: "limits" (bandwidth caps), and the invites/admin modules (no use here)
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = true
authentication = "internal_hashed"
ssl = { certificate = ${q(join(certs, `${host}.crt`))}; key = ${q(join(certs, `${host}.key`))}; cafile = ${q(ca)} }
log = { info = ${q(join(dir, 'prosody.log'))} }
VirtualHost ${q(host)}
`;
}

export class ProsodyServer {
  readonly host: string;
  readonly dir: string;
  readonly config: string;
  #child: ChildProcess | undefined;
  output = '';

  constructor(root: string, host: string, certs: string, ca: string) {
    this.host = host;
    this.dir = join(root, `prosody-${host}`);
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    this.config = join(this.dir, 'prosody.cfg.lua');
    writeFileSync(this.config, prosodyConfig(this.dir, host, certs, ca));
  }

  /** Creates an account (prosodyctl register, on this server's config). */
  async register(user: string, password: string): Promise<void> {
    await run('prosodyctl', ['--config', this.config, 'register', user, this.host, password]);
  }

  /** Starts `prosody -F` and resolves once both ports accept connections. */
  async start(): Promise<void> {
    for (const port of [c2sPort, s2sPort]) await assertFree(this.host, port);
    const child = spawn('prosody', ['--config', this.config, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prosody on ${this.host} exited ${child.exitCode}:\n${this.log()}`);
      if ((await accepts(this.host, c2sPort)) && (await accepts(this.host, s2sPort))) return;
      if (Date.now() > deadline) throw new Error(`prosody on ${this.host} did not start:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  log(): string {
    const file = join(this.dir, 'prosody.log');
    return `${this.output}${existsSync(file) ? readFileSync(file, 'utf8') : ''}`;
  }

  stop(): Promise<void> {
    return this.#child ? stopChild(this.#child) : Promise.resolve();
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Fails clearly when something (a system Prosody on all addresses?) already holds the port. */
function assertFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) =>
      reject(
        new Error(
          `${host}:${port} is taken (${(error as NodeJS.ErrnoException).code}): is a system Prosody running? ` +
            'Stop it (systemctl stop prosody) for the benchmark',
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
