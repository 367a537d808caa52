import { Gauge, Registry } from 'prom-client';
import type { LinkService } from '../link/service.js';
import type { Store } from '../store/store.js';

/** Prometheus metrics of a node, gathered from the store and the link at each scrape. */
export class Metrics {
  readonly #registry = new Registry();
  readonly #store: Store;
  readonly #link: LinkService | undefined;
  readonly #linkUp = new Gauge({
    registers: [],
    name: 'parley_link_up',
    help: '1 when the endpoint answers heartbeats (UP), 0.5 DEGRADED, 0 DOWN',
    labelNames: ['peer', 'endpoint'],
  });
  readonly #rtt = new Gauge({
    registers: [],
    name: 'parley_link_rtt_seconds',
    help: 'Heartbeat round-trip time',
    labelNames: ['peer', 'endpoint'],
  });
  readonly #offset = new Gauge({
    registers: [],
    name: 'parley_link_clock_offset_seconds',
    help: 'Peer clock minus ours',
    labelNames: ['peer', 'endpoint'],
  });
  readonly #lag = new Gauge({
    registers: [],
    name: 'parley_replication_lag_entries',
    help: 'Entries held here that the peer has not acknowledged',
    labelNames: ['peer', 'channel'],
  });
  readonly #alarms = new Gauge({
    registers: [],
    name: 'parley_alarms_open',
    help: 'Open alarms by kind',
    labelNames: ['kind'],
  });
  readonly #gaps = new Gauge({
    registers: [],
    name: 'parley_link_push_gaps_total',
    help: 'Pushes the peer refused as not continuing what it holds (the sender resumed from its head)',
    labelNames: ['peer'],
  });
  readonly #refusals = new Gauge({
    registers: [],
    name: 'parley_link_push_refusals_total',
    help: 'Pushes the peer refused for a reason of their feed (not a gap, not the whole link): the feed was held back',
    labelNames: ['peer'],
  });
  readonly #refusing = new Gauge({
    registers: [],
    name: 'parley_link_feed_refused',
    help: "1 for a feed whose last push the peer refused, with the refusal's code; the other feeds go on",
    labelNames: ['peer', 'channel', 'author', 'code'],
  });
  readonly #forks = new Gauge({ registers: [], name: 'parley_forks_total', help: 'Forks detected (proofs kept)' });
  readonly #entries = new Gauge({
    registers: [],
    name: 'parley_feed_head_seq',
    help: 'Head seq of each feed held',
    labelNames: ['channel', 'author'],
  });

  constructor(store: Store, link?: LinkService) {
    this.#store = store;
    this.#link = link;
    for (const m of this.#gauges()) this.#registry.registerMetric(m);
  }

  #gauges(): Gauge[] {
    return [
      this.#linkUp,
      this.#rtt,
      this.#offset,
      this.#lag,
      this.#gaps,
      this.#refusals,
      this.#refusing,
      this.#alarms,
      this.#forks,
      this.#entries,
    ];
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  async collect(): Promise<void> {
    // Every series is set afresh from what holds now: none stays from an earlier scrape.
    for (const g of this.#gauges()) g.reset();
    for (const link of this.#link?.links.values() ?? []) {
      this.#gaps.set({ peer: link.peer }, link.gaps);
      this.#refusals.set({ peer: link.peer }, link.refusals);
      for (const { channel, author, code } of link.refusing)
        this.#refusing.set({ peer: link.peer, channel, author, code }, 1);
      for (const e of link.endpoints) {
        const labels = { peer: link.peer, endpoint: e.url };
        this.#linkUp.set(labels, e.state === 'UP' ? 1 : e.state === 'DEGRADED' ? 0.5 : 0);
        if (e.rttMs !== null) this.#rtt.set(labels, e.rttMs / 1000);
        if (e.offsetMs !== null) this.#offset.set(labels, e.offsetMs / 1000);
      }
    }
    for (const row of await this.#store.listChannels()) {
      if (row.state !== 'active') continue;
      const heads = await this.#store.heads(row.id);
      for (const [author, h] of Object.entries(heads)) this.#entries.set({ channel: row.id, author }, h.seq);
      for (const link of this.#link?.links.values() ?? []) {
        const theirs = await this.#store.peerHeads(row.id, link.peer);
        const lag = Object.entries(heads)
          .filter(([a]) => a !== link.peer)
          .reduce((n, [a, h]) => n + Math.max(0, h.seq - (theirs[a] ?? 0)), 0);
        this.#lag.set({ peer: link.peer, channel: row.id }, lag);
      }
    }
    const kinds = new Map<string, number>();
    for (const a of await this.#store.openAlarms()) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
    for (const [kind, n] of kinds) this.#alarms.set({ kind }, n);
    this.#forks.set((await this.#store.listForks()).length);
  }

  text(): Promise<string> {
    return this.#registry.metrics();
  }
}
