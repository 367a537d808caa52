import type { Agent, ServerOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { linkPrefix } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SelfCard } from '../node/channels.js';
import type { ParleyNode } from '../node/node.js';
import { BlobFetcher } from './blob-fetcher.js';
import { linkRequest } from './http-client.js';
import { PeerLink } from './peer-link.js';
import { RecentRows } from './recent-rows.js';
import { createLinkServer } from './server.js';

/** A pinned peer as the link needs it. */
export interface LinkPeer {
  party: string;
  endpoints: string[];
  agent: Agent;
}

export interface LinkServiceOptions {
  node: ParleyNode;
  self: SelfCard;
  log: Logger;
  host: string;
  port: number;
  tls: ServerOptions;
  peerOf: (socket: TLSSocket) => string | undefined;
  /** Called with the HTTPS server before it listens (e.g. to guard connections and repin). */
  onServer?: (server: import('node:tls').Server) => void;
  peers: LinkPeer[];
  heartbeatMs: number;
  maxBackoffMs?: number;
  /** See PeerLinkOptions.lookEveryMs. */
  lookEveryMs?: number;
  ratePerSecond?: number;
  /** A request must arrive whole within this time (slow-body defence); the link server's default if unset. */
  requestTimeoutMs?: number;
}

/**
 * The link of one node: its HTTPS server for peers and one PeerLink per
 * pinned peer. New entries are pushed at once; charter offers are forwarded
 * to every member.
 */
export class LinkService {
  readonly links = new Map<string, PeerLink>();
  /** Fetches and verifies the attachments that peers' entries name (blob-fetcher.ts). */
  blobs: BlobFetcher | undefined;
  readonly #peers = new Map<string, LinkPeer>();
  readonly #o: LinkServiceOptions;
  /** What was just written, as the 'appended' events hand it over: pushes take it unread (decision 0023). */
  readonly #recent = new RecentRows();
  #server: FastifyInstance | undefined;
  #address = '';

  constructor(options: LinkServiceOptions) {
    this.#o = options;
  }

  /** The pinned agent used to reach `party` (for measurements and tools). */
  agentOf(party: string): Agent | undefined {
    return this.#peers.get(party)?.agent;
  }

  get server(): import('node:tls').Server | undefined {
    return this.#server?.server as unknown as import('node:tls').Server | undefined;
  }

  get address(): string {
    return this.#address;
  }

  async start(): Promise<void> {
    const { node, self, log } = this.#o;
    // Nothing of our own is signed (a send, a receipt for a push that arrives as soon as we
    // listen) until each peer's first heartbeat has been answered, has failed, or has run out
    // its time: a node restored from an older copy learns first how much of its feed they hold
    // (decision 0035).
    let heard: () => void = () => undefined;
    if (this.#o.peers.length > 0) node.holdSigningUntil(new Promise<void>((resolve) => (heard = resolve)));
    try {
      this.#server = await createLinkServer(
        { node, self, log, onContact: (peer) => this.links.get(peer)?.contact(), onOffer: (id) => void this.offer(id) },
        {
          tls: this.#o.tls,
          peerOf: this.#o.peerOf,
          ...(this.#o.ratePerSecond ? { ratePerSecond: this.#o.ratePerSecond } : {}),
          ...(this.#o.requestTimeoutMs ? { requestTimeoutMs: this.#o.requestTimeoutMs } : {}),
        },
      );
      this.#o.onServer?.(this.#server.server as unknown as import('node:tls').Server);
      this.#address = await this.#server.listen({ host: this.#o.host, port: this.#o.port });
      for (const peer of this.#o.peers) this.addPeer(peer);
    } catch (error) {
      heard();
      throw error;
    }
    const started = Date.now();
    const first = [...this.links.values()];
    void Promise.all(first.map((link) => link.firstHeartbeat)).then(() => {
      heard();
      const ms = Date.now() - started;
      const unanswered = first.filter((l) => l.endpoints.every((e) => e.lastContact === null)).map((l) => l.peer);
      log[ms > 500 ? 'info' : 'debug'](
        { ms, unanswered },
        'own signing goes on: the first heartbeat of every peer has settled',
      );
    });
    this.blobs = new BlobFetcher({
      node,
      log,
      source: { agentOf: (p) => this.#peers.get(p)?.agent, endpointOf: (p) => this.links.get(p)?.activeEndpoint },
    });
    this.blobs.start();
    node.events.on('appended', (e) => {
      if (e.rows) this.#recent.add(e.rows);
      for (const link of this.links.values()) {
        if (e.answering === link.peer) link.handedOver(e.channel, e.author, e.toSeq);
        else if (link.peer !== e.author || e.own) link.poke(e);
      }
    });
  }

  /** Starts linking to a newly pinned peer without a restart. */
  addPeer(peer: LinkPeer): void {
    if (this.links.has(peer.party)) return;
    this.#peers.set(peer.party, peer);
    const link = new PeerLink({
      node: this.#o.node,
      peer: peer.party,
      endpoints: peer.endpoints,
      agent: peer.agent,
      log: this.#o.log,
      heartbeatMs: this.#o.heartbeatMs,
      recent: this.#recent,
      onHeartbeat: (party, channels) => void this.#reoffer(party, channels),
      ...(this.#o.maxBackoffMs ? { maxBackoffMs: this.#o.maxBackoffMs } : {}),
      ...(this.#o.lookEveryMs ? { lookEveryMs: this.#o.lookEveryMs } : {}),
    });
    this.links.set(peer.party, link);
    link.start();
  }

  readonly #offered = new Map<string, number>();

  /**
   * A peer that does not hold one of our channels as active gets our offer
   * again (at most every 10 s): charters complete even across outages.
   */
  async #reoffer(party: string, theirs: string[]): Promise<void> {
    for (const row of await this.#o.node.store.listChannels()) {
      if (theirs.includes(row.id)) continue;
      const members = (JSON.parse(row.charter) as { members: Array<{ id: string }> }).members.map((m) => m.id);
      const key = `${row.id}/${party}`;
      if (!members.includes(party) || Date.now() - (this.#offered.get(key) ?? 0) < 10_000) continue;
      this.#offered.set(key, Date.now());
      await this.offer(row.id, [party]);
    }
  }

  /** Sends a channel being co-signed, with every signature we hold, to each member we link to. */
  async offer(id: string, only?: string[]): Promise<string[]> {
    const row = await this.#o.node.store.getChannel(id);
    if (!row) return [];
    const charter = JSON.parse(row.charter) as { members: Array<{ id: string }> };
    const body = { id, charter, signatures: JSON.parse(row.signatures) };
    const reached: string[] = [];
    for (const member of charter.members) {
      if (only && !only.includes(member.id)) continue;
      const link = this.links.get(member.id);
      const peer = this.#peers.get(member.id);
      if (!link || !peer) continue;
      try {
        const res = await linkRequest(peer.agent, link.activeEndpoint, 'POST', `${linkPrefix}/charters`, body, 10_000);
        if (res.status === 200) reached.push(member.id);
      } catch (error) {
        this.#o.log.warn({ peer: member.id, err: String(error) }, 'charter offer not delivered');
      }
    }
    return reached;
  }

  /** Graceful stop: no new requests, in-flight work finished. */
  async stop(): Promise<void> {
    // Writes held for the first heartbeats are refused, not let go as the links stop (decision 0035).
    this.#o.node.refuseHeldSigning();
    await this.blobs?.stop();
    await Promise.all([...this.links.values()].map((l) => l.stop()));
    await this.#server?.close();
    for (const peer of this.#peers.values()) peer.agent.destroy();
  }
}
