import { examples } from '@parley/contract';
import type { JsonValue } from '@parley/record';
import pg from 'pg';
import type { AppendedEvent } from '../node/events.js';
import { operations } from '../runtime/operations.js';
import { type Serving, serve } from '../runtime/serve.js';
import { eventually, initParties, ok, type Party } from '../test-util/nodes.js';

export const pgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The link benchmarks' two nodes, us-js and cn-jsd: A served in this process
 * (so its events time receipts exactly), B a `parley serve` child, with an
 * active channel between them.
 */
export async function pair(root: string, dialect: string) {
  const suffix = `${process.pid}_${Date.now()}`;
  const envFor = (party: string): NodeJS.ProcessEnv =>
    dialect === 'postgres'
      ? { PARLEY_DATABASE_URL: pgUrl, PARLEY_DATABASE_SCHEMA: `parley_bench_${party.replace('-', '_')}_${suffix}` }
      : {};
  const [a, b] = (await initParties(root, ['us-js', 'cn-jsd'], envFor)) as [Party, Party];
  Object.assign(process.env, envFor('us-js'));
  const served: Serving = await serve(a.dir, { heartbeatMs: 1000 });
  await b.node.start();
  const channel = await openChannel(served, b.dir, envFor('cn-jsd'));
  return { a, b, served, channel, envFor };
}

/** A (served here) proposes a channel to B (`bDir`, served apart), B accepts; resolves with its id once active at A. */
export async function openChannel(served: Serving, bDir: string, bEnv: NodeJS.ProcessEnv): Promise<string> {
  const offer = (await operations['channel-propose'](
    { open: served.open, link: served.link },
    { name: 'bench', members: 'us-js,cn-jsd' },
  )) as { id: string };
  await eventually(
    async () => (await ok(['status', '--dir', bDir, '--json'], bEnv)).includes(offer.id),
    20_000,
    'offer',
  );
  await ok(['channel', 'accept', '--dir', bDir, offer.id], bEnv);
  await eventually(async () => (await served.open.store.getChannel(offer.id))?.state === 'active', 20_000, 'active');
  return offer.id;
}

/**
 * Resolves when B's signed heads show it holds A's feed up to `seq`: when A
 * has committed an entry of B's whose header names that head. The entries
 * come with the event A emits once it committed them (their rows as
 * stored), so the measure ends there, not after a read of A's store of its
 * own (a round trip to PostgreSQL). Without rows, the store is read.
 */
export function acknowledged(served: Serving, channel: string, seq: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      served.open.node.events.off('appended', listener);
      resolve();
    };
    const check = async () => {
      const heads = await served.open.store.peerHeads(channel, 'cn-jsd');
      if ((heads['us-js'] ?? 0) >= seq) finish();
    };
    const listener = (e: AppendedEvent) => {
      if (e.author !== 'cn-jsd' || e.channel !== channel) return;
      if (!e.rows) return void check();
      for (const row of e.rows) {
        const heads = (JSON.parse(row.header) as { heads: Record<string, { seq: number }> }).heads;
        if ((heads['us-js']?.seq ?? 0) >= seq) return finish();
      }
    };
    served.open.node.events.on('appended', listener);
    void check();
  });
}

/**
 * A plain hotline message. No attachment: the example's names a file this
 * node does not hold, and every copy would set the peer fetching it (404s
 * and retries) — attachment transfer, not the link's entries, would be timed.
 */
export const message = (precedence: string, i: number) =>
  ({
    ...examples.message,
    precedence,
    subject: `bench ${i}`,
    serial: i,
    attachments: [],
    translation: undefined,
  }) as unknown as JsonValue;

/** Removes the pair's PostgreSQL schemas (`envFor` as `pair` returns it): a benchmark leaves nothing behind. */
export async function dropSchemas(envFor: (party: string) => NodeJS.ProcessEnv): Promise<void> {
  const schemas = ['us-js', 'cn-jsd'].map((p) => envFor(p).PARLEY_DATABASE_SCHEMA).filter((s) => s !== undefined);
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
