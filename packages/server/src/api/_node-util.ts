import type { AddressInfo } from 'node:net';
import type { Charter } from '@parley/contract';
import { toBase64url } from '@parley/record';
import Fastify from 'fastify';
import { pino } from 'pino';
import { accountsFor } from '../accounts/accounts-for.js';
import type { NodeConfig } from '../config/node-config.js';
import { nodePair, type Pair } from '../hotline/_util.js';
import { installErrorHandler } from '../http/errors.js';
import { useStrictJson } from '../http/strict-json.js';
import type { Identity } from '../identity/key-files.js';
import type { ParleyNode } from '../node/node.js';
import type { OpContext } from '../runtime/operations.js';
import type { DialectTarget } from '../store/_util.js';
import { Harness, testPolicy } from './_util.js';
import { consoleApi } from './console-api.js';

export { failure, password } from './_util.js';

/** The console API of one node of a pair: the account-route harness plus the node and its context. */
export class NodeHarness extends Harness {
  readonly node: ParleyNode;
  readonly ctx: OpContext;
  #url: string | undefined;

  constructor(base: Harness, node: ParleyNode, ctx: OpContext) {
    super(base.app, base.accounts, base.clock);
    this.node = node;
    this.ctx = ctx;
  }

  /** Listens on 127.0.0.1 (once) for clients that need a real socket (event streams); the base URL. */
  async listen(): Promise<string> {
    if (!this.#url) {
      await this.app.listen({ host: '127.0.0.1', port: 0 });
      this.#url = `http://127.0.0.1:${(this.app.server.address() as AddressInfo).port}`;
    }
    return this.#url;
  }
}

/** Two nodes of one active channel, each with its console API, and the link between them. */
export interface ApiPair extends Pair {
  /** us-js's console. */
  usApi: NodeHarness;
  /** cn-jsd's console. */
  cnApi: NodeHarness;
  /**
   * With `live`, every entry a node writes is carried to the other at once
   * (the link's push, in process); failures of that carrying are kept here.
   */
  linkErrors: unknown[];
  /** With `live`: resolves once nothing is being carried either way (the answers to answers included). */
  quiet(): Promise<void>;
  close(): Promise<void>;
}

/** A NodeConfig for a node that has no data directory (nothing in the console API reads files). */
function configOf(party: string): NodeConfig {
  return {
    v: 1,
    party,
    names: { en: party },
    lang: party.startsWith('cn') ? 'zh-Hans' : 'en',
    link: { host: '127.0.0.1', port: 0 },
    console: { host: '127.0.0.1', port: 0 },
    endpoints: ['https://127.0.0.1:1'],
    checkpoints: { entries: 1000, seconds: 3600 },
    heartbeatSeconds: 5,
  };
}

async function consoleOf(node: ParleyNode, pair: Pair): Promise<NodeHarness> {
  const ctx: OpContext = {
    open: {
      dir: '',
      config: configOf(node.party),
      // No link runs here, so no TLS identity is needed; the signer is the node's.
      identity: { signer: node.signer } as Identity,
      store: node.store,
      node,
      self: { party: node.party, names: { en: node.party }, key: toBase64url(node.signer.publicKey) },
      close: async () => {},
    },
  };
  const accounts = accountsFor(node.store, pair.clock, testPolicy);
  const log = pino({ level: 'silent' });
  const app = Fastify({ logger: false });
  useStrictJson(app, 8 * 1024 * 1024);
  installErrorHandler(app, log);
  await app.register(consoleApi, { accounts, log, ctx });
  await app.ready();
  return new NodeHarness(new Harness(app, accounts, pair.clock), node, ctx);
}

/**
 * Two real nodes (us-js and cn-jsd, each its own store of `target`'s dialect)
 * in one active channel, each behind its console API on Fastify as the
 * console port sets it up. Entries travel by `deliver`/`settle` (hotline/_util.ts),
 * or by themselves with `live`. Sign users in with `usApi.signedIn(['operator'])`.
 */
export async function apiPair(
  target: DialectTarget,
  options: {
    live?: boolean;
    targets?: Partial<Charter['handlingTargets']>;
    charter?: Partial<Pick<Charter, 'glossary' | 'languages'>>;
  } = {},
): Promise<ApiPair> {
  const pair = await nodePair(target, options.targets ?? {}, options.charter ?? {});
  const [usApi, cnApi] = [await consoleOf(pair.us, pair), await consoleOf(pair.cn, pair)];
  const linkErrors: unknown[] = [];
  const chains = new Map<ParleyNode, Promise<void>>();
  if (options.live) {
    for (const [from, to] of [
      [pair.us, pair.cn],
      [pair.cn, pair.us],
    ] as const) {
      from.events.on('appended', (e) => {
        if (!e.own) return;
        const next = (chains.get(from) ?? Promise.resolve())
          .then(() => pair.deliver(from, to))
          .catch((error) => {
            linkErrors.push(error);
          });
        chains.set(from, next);
      });
    }
  }
  const quiet = async () => {
    for (;;) {
      const before = [...chains.values()];
      await Promise.all(before);
      // Let ingest's receipts and their 'appended' events queue their own carrying.
      await new Promise((r) => setImmediate(r));
      const after = [...chains.values()];
      if (after.length === before.length && after.every((c, i) => c === before[i])) return;
    }
  };
  const close = async () => {
    await quiet();
    await usApi.app.close();
    await cnApi.app.close();
  };
  return { ...pair, usApi, cnApi, linkErrors, quiet, close };
}
