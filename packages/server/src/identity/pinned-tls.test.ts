import assert from 'node:assert/strict';
import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createServer } from 'node:tls';
import { isParleyError } from '@parley/contract';
import {
  caIdentity,
  eventually,
  fetchOnce,
  issuedBy,
  pinnedServer,
  pinOf,
  rawClient,
  refusal,
  settle,
  stop,
  stopAll,
  tlsIdentities,
} from './_util.js';
import { clientAgent, serverTlsOptions } from './pinned-tls.js';
import { ServerPins } from './server-pins.js';

const tls = tlsIdentities();
/** A refusal seen by a client in TLS 1.3: an alert, or the connection reset after it. */
const refused = /^(ECONNRESET|EPIPE|ERR_SSL_\w+) /;

async function usServer(pinned: string[]) {
  const us = await tls('us-js');
  const pins = new ServerPins({ ...us, pinned: await Promise.all(pinned.map(async (p) => pinOf(p, await tls(p)))) });
  return { pins, ...(await pinnedServer(pins)) };
}

async function agentOf(party: string, server = 'us-js'): Promise<Agent> {
  const own = await tls(party);
  return clientAgent({ ...own, peer: pinOf(server, await tls(server)) });
}

const agents: Agent[] = [];
after(async () => {
  for (const agent of agents) agent.destroy();
  await stopAll();
});
async function track(agent: Promise<Agent>): Promise<Agent> {
  agents.push(await agent);
  return agents.at(-1)!;
}

describe('pinned mutual TLS', () => {
  it('serves a pinned client and names its party', async () => {
    const { server, port, seen } = await usServer(['cn-jsd']);
    const agent = await track(agentOf('cn-jsd'));
    assert.deepEqual(await fetchOnce(port, { agent }), { status: 200, body: 'cn-jsd' });
    assert.deepEqual(seen.handled, ['cn-jsd']);
    await stop(server);
  });

  it('ignores the name dialled: the pin decides', async () => {
    const { server, port } = await usServer(['cn-jsd']);
    const agent = await track(agentOf('cn-jsd'));
    const answer = await fetchOnce(port, { agent, servername: 'not-in-the-cert.example' });
    assert.equal(answer.status, 200);
    await stop(server);
  });

  it('refuses an unpinned client in the handshake', async () => {
    const { server, port, seen } = await usServer(['cn-jsd']);
    const stranger = await tls('cn-jsd#impostor');
    assert.match(await refusal(fetchOnce(port, rawClient(await tls('us-js'), stranger))), refused);
    await settle();
    assert.equal(seen.secureConnections, 0, 'OpenSSL, not the guard, refused it');
    assert.deepEqual(seen.handled, []);
    assert.equal(seen.tlsErrors.length, 1);
    await stop(server);
  });

  it('refuses a client without a certificate', async () => {
    const { server, port, seen } = await usServer(['cn-jsd']);
    const code = await refusal(fetchOnce(port, rawClient(await tls('us-js'))));
    assert.match(code, /^ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED /);
    await settle();
    assert.deepEqual(seen.handled, []);
    assert.deepEqual(seen.tlsErrors, ['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE']);
    await stop(server);
  });

  it('refuses TLS 1.2', async () => {
    const { server, port, seen } = await usServer(['cn-jsd']);
    const options = { ...rawClient(await tls('us-js'), await tls('cn-jsd')), maxVersion: 'TLSv1.2' as const };
    assert.match(await refusal(fetchOnce(port, options)), /^EPROTO .*alert protocol version/);
    await settle();
    assert.deepEqual(seen.handled, []);
    await stop(server);
  });

  it('refuses every client when nothing is pinned', async () => {
    const { server, port, seen } = await usServer([]);
    assert.match(await refusal(fetchOnce(port, rawClient(await tls('us-js'), await tls('cn-jsd')))), refused);
    await settle();
    assert.deepEqual(seen.handled, []);
    await stop(server);
  });

  it('refuses an unpinned server with the same name before sending anything', async () => {
    const impostor = await tls('us-js#impostor');
    let received = 0;
    const server = createServer({ key: impostor.keyPem, cert: impostor.certPem }, (socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = await track(agentOf('cn-jsd'));
    const { port } = server.address() as AddressInfo;
    assert.match(await refusal(fetchOnce(port, { agent })), /^DEPTH_ZERO_SELF_SIGNED_CERT /);
    await settle();
    assert.equal(received, 0, 'the request never left the client');
    server.close();
  });

  it('refuses a server certificate that only chains to the pinned one', async () => {
    // A pinned CA certificate (which verifyCard refuses) would let its key vouch
    // for others; the fingerprint check still refuses them.
    const rogueCa = await caIdentity('rogue-ca');
    const issued = await issuedBy(rogueCa, 'us-js');
    const pins = new ServerPins({ ...issued, pinned: [pinOf('cn-jsd', await tls('cn-jsd'))] });
    const { server, port } = await pinnedServer(pins);
    const agent = await track(
      Promise.resolve(clientAgent({ ...(await tls('cn-jsd')), peer: pinOf('us-js', rogueCa) })),
    );
    const error = await fetchOnce(port, { agent }).catch((e: unknown) => e);
    assert.ok(isParleyError(error, 'PARLEY_E_TLS_PIN'), String(error));
    await stop(server);
  });

  it('drops a client certificate that only chains to a pinned one', async () => {
    const rogueCa = await caIdentity('rogue-ca');
    const us = await tls('us-js');
    const pins = new ServerPins({ ...us, pinned: [pinOf('cn-jsd', rogueCa)] });
    const { server, port, seen } = await pinnedServer(pins);
    const issued = await issuedBy(rogueCa, 'cn-jsd');
    assert.match(await refusal(fetchOnce(port, rawClient(us, issued))), refused);
    await settle();
    assert.equal(seen.secureConnections, 1, 'OpenSSL accepted the chain; the guard dropped it');
    assert.deepEqual(seen.handled, []);
    await stop(server);
  });

  it('keeps CA:FALSE pinned certificates from vouching for others, in OpenSSL itself', async () => {
    const { server, port, seen } = await usServer(['cn-jsd']);
    const issued = await issuedBy(await tls('cn-jsd'), 'someone-else');
    assert.match(await refusal(fetchOnce(port, rawClient(await tls('us-js'), issued))), refused);
    await settle();
    assert.equal(seen.secureConnections, 0);
    await stop(server);
  });

  it('admits a newly pinned peer without a restart, and drops an unpinned one', async () => {
    const { pins, server, port, seen } = await usServer(['cn-jsd']);
    const ru = await track(agentOf('ru-gs'));
    assert.match(await refusal(fetchOnce(port, { agent: ru })), refused);

    pins.repin(server, [...pins.pinned, pinOf('ru-gs', await tls('ru-gs'))]);
    assert.deepEqual(await fetchOnce(port, { agent: ru }), { status: 200, body: 'ru-gs' });
    const cn = await track(agentOf('cn-jsd'));
    assert.equal((await fetchOnce(port, { agent: cn })).body, 'cn-jsd');
    const tls12 = { ...rawClient(await tls('us-js'), await tls('ru-gs')), maxVersion: 'TLSv1.2' as const };
    assert.match(await refusal(fetchOnce(port, tls12)), /^EPROTO .*alert protocol version/, 'still TLS 1.3 only');

    const connections = () => new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
    await eventually(async () => (await connections()) === 2, 'ru-gs and cn-jsd keep their connections alive');
    pins.repin(
      server,
      pins.pinned.filter((pin) => pin.party !== 'ru-gs'),
    );
    await eventually(async () => (await connections()) === 1, "ru-gs's open connection was closed");
    assert.match(await refusal(fetchOnce(port, { agent: ru })), refused);
    assert.deepEqual(seen.handled, ['ru-gs', 'cn-jsd']);
    await stop(server);
  });

  it('refuses a pin whose fingerprint is not its certificate', async () => {
    const cn = await tls('cn-jsd');
    const wrong = { ...pinOf('cn-jsd', cn), fingerprint: (await tls('ru-gs')).fingerprint };
    assert.throws(
      () => serverTlsOptions({ ...cn, pinned: [wrong] }),
      (e) => isParleyError(e, 'PARLEY_E_TLS_PIN'),
    );
    assert.throws(
      () => clientAgent({ ...cn, peer: wrong }),
      (e) => isParleyError(e, 'PARLEY_E_TLS_PIN'),
    );
  });
});
