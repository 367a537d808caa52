import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { destination, pino } from 'pino';
import type { Clock } from '../clock/clock.js';
import { readEnv } from '../config/env.js';
import { EngagementAlarms } from '../engagement/alarms.js';
import { HandlingAlarms } from '../hotline/alarms.js';
import { clientAgent } from '../identity/pinned-tls.js';
import type { Pin } from '../identity/pins.js';
import { ServerPins } from '../identity/server-pins.js';
import { type LinkPeer, LinkService } from '../link/service.js';
import { OperatorCheckAlarms } from '../link-checks/alarms.js';
import { Automation } from '../node/automation.js';
import type { PeerRow } from '../store/store.js';
import { createControlServer } from './control-server.js';
import { Metrics } from './metrics.js';
import { type OpenNode, openNode } from './open-node.js';
import { dataFiles } from './paths.js';

export interface Serving {
  open: OpenNode;
  link: LinkService;
  linkUrl: string;
  consoleUrl: string;
  stop(): Promise<void>;
}

interface CardJson {
  card: { party: string; endpoints: string[]; tls: { cert: string; fingerprint: string } };
}

function pinOf(row: PeerRow): Pin {
  const { card } = JSON.parse(row.card) as CardJson;
  return { party: card.party, certPem: card.tls.cert, fingerprint: card.tls.fingerprint };
}

/**
 * `parley serve`: opens the node, starts the link (pinned mTLS) and the
 * console port, and records where it listens in serve.json so CLI commands
 * go through it. stop() finishes in-flight work, then closes.
 */
export async function serve(
  dir: string,
  // lookEveryMs: see PeerLinkOptions (tests set it long, to see what happens without the timed look).
  options: { clock?: Clock; heartbeatMs?: number; lookEveryMs?: number } = {},
): Promise<Serving> {
  const { logLevel, linkRequestTimeoutMs: requestTimeoutMs, linkRatePerSecond: ratePerSecond } = readEnv();
  const log = pino({ level: logLevel ?? 'info', base: { party: undefined } }, destination(2));
  const open = await openNode(dir, options.clock ? { clock: options.clock } : {});
  const { config, identity, store } = open;
  // Durability the database's own settings undo: said at every start, not refused (an operator's choice).
  for (const warning of await store.durabilityWarnings()) log.warn(warning);
  const tls = { keyPem: identity.tls.keyPem, certPem: identity.tls.certPem };
  const rows = await store.listPeers();
  const pins = new ServerPins({ ...tls, pinned: rows.map(pinOf) });
  const linkPeer = (row: PeerRow): LinkPeer => {
    const { card } = JSON.parse(row.card) as CardJson;
    return { party: card.party, endpoints: card.endpoints, agent: clientAgent({ ...tls, peer: pinOf(row) }) };
  };
  const link = new LinkService({
    node: open.node,
    self: open.self,
    log,
    host: config.link.host,
    port: config.link.port,
    tls: pins.options,
    peerOf: (socket) => pins.peerOf(socket),
    onServer: (server) => pins.guard(server),
    peers: rows.map(linkPeer),
    heartbeatMs: options.heartbeatMs ?? config.heartbeatSeconds * 1000,
    ...(options.lookEveryMs ? { lookEveryMs: options.lookEveryMs } : {}),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
    ...(ratePerSecond ? { ratePerSecond } : {}),
  });
  await link.start();
  const automation = new Automation(open.node, {
    checkpointEntries: config.checkpoints.entries,
    checkpointSeconds: config.checkpoints.seconds,
    log,
  });
  automation.start();
  const alarms = new HandlingAlarms(open.node, { log });
  alarms.start();
  const engagementAlarms = new EngagementAlarms(open.node, { log });
  engagementAlarms.start();
  const checkAlarms = new OperatorCheckAlarms(open.node, { log });
  checkAlarms.start();
  const metrics = new Metrics(store, link);
  const token = readFileSync(dataFiles(dir).controlToken, 'utf8').trim();
  const onPeerAdded = async (party: string) => {
    const row = await store.getPeer(party);
    if (!row) return;
    pins.repin(link.server!, (await store.listPeers()).map(pinOf));
    link.addPeer(linkPeer(row));
  };
  const control = await createControlServer({ ctx: { open, link, onPeerAdded }, token, log, metrics });
  const consoleUrl = await control.listen({ host: config.console.host, port: config.console.port });
  const linkUrl = link.address;
  writeFileSync(dataFiles(dir).serving, JSON.stringify({ pid: process.pid, link: linkUrl, console: consoleUrl }), {
    mode: 0o600,
  });
  log.info({ link: linkUrl, console: consoleUrl, party: config.party }, 'serving');
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: finishing in-flight work');
      // Writes still held for the first heartbeats (decision 0035) are refused: signed now, unguarded,
      // they could fork a restored node's feed.
      open.node.refuseHeldSigning();
      await control.close();
      await automation.stop();
      await alarms.stop();
      await engagementAlarms.stop();
      await checkAlarms.stop();
      await link.stop();
      await open.close();
      rmSync(dataFiles(dir).serving, { force: true });
      log.info('stopped');
      log.flush();
    })());
  return { open, link, linkUrl, consoleUrl, stop };
}
