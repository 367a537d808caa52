/**
 * The floor's HTTPS round trip, with nothing of Parley in it: a bare
 * `node:https` server in its own process, with a node's TLS key and
 * certificate and the link's settings (TLS 1.3, mutual authentication with a
 * pinned client certificate, keep-alive), answering each POST with its body.
 *
 * `node echo-server.js <server data dir> <client data dir>`: prints the port
 * it listens on (127.0.0.1), then serves until killed.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { certFingerprint } from '../identity/fingerprint.js';
import { keyFiles } from '../identity/key-files.js';
import { serverTlsOptions } from '../identity/pinned-tls.js';

const [serverDir, clientDir] = process.argv.slice(2);
if (!serverDir || !clientDir) {
  console.error('usage: echo-server.js <server data dir> <client data dir>');
  process.exit(2);
}
const clientCert = readFileSync(join(clientDir, keyFiles.tlsCert), 'utf8');
const server = createServer(
  {
    ...serverTlsOptions({
      keyPem: readFileSync(join(serverDir, keyFiles.tlsKey), 'utf8'),
      certPem: readFileSync(join(serverDir, keyFiles.tlsCert), 'utf8'),
      pinned: [{ party: 'client', certPem: clientCert, fingerprint: certFingerprint(clientCert) }],
    }),
    keepAliveTimeout: 60_000,
  },
  (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.byteLength });
      res.end(body);
    });
  },
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
