import { type Charter, defaultCharter, validateCharter } from '@parley/contract';
import { channelId, Ed25519Signer, type JsonValue, sha256, signCharter, toBase64url } from '@parley/record';
import { ManualClock } from '../clock/clock.js';
import { rowToEntry } from '../link/wire.js';
import { ParleyNode } from '../node/node.js';
import type { DialectTarget } from '../store/_util.js';
import type { StoreConfig } from '../store/open-store.js';

export const t0 = Date.parse('2023-12-21T13:05:00.000Z');
export const minute = 60_000;

/** Two in-process nodes of one active channel, one manual clock, and a hand-cranked link between them. */
export interface Pair {
  us: ParleyNode;
  cn: ParleyNode;
  channel: string;
  charter: Charter;
  clock: ManualClock;
  configs: { us: StoreConfig; cn: StoreConfig };
  /** Carries everything `from` holds that `to` lacks; `to` answers with a receipt as the link would. */
  deliver(from: ParleyNode, to: ParleyNode): Promise<void>;
  /** Both ways until neither has anything new for the other. */
  settle(): Promise<void>;
}

const signer = (party: string) => Ed25519Signer.fromSeed(sha256(new TextEncoder().encode(`hotline test ${party}`)));

export async function nodePair(
  t: DialectTarget,
  targets: Partial<Charter['handlingTargets']> = {},
  more: Partial<Pick<Charter, 'glossary' | 'languages'>> = {},
): Promise<Pair> {
  const clock = new ManualClock(t0);
  const parties = ['us-js', 'cn-jsd'] as const;
  const members = parties.map((id) => ({ id, names: { en: id }, key: toBase64url(signer(id).publicKey) }));
  const base = defaultCharter({
    name: 'hotline test',
    proposer: 'us-js',
    createdAt: new Date(t0 - minute).toISOString(),
    nonce: toBase64url(sha256(new TextEncoder().encode('nonce')).subarray(0, 16)),
    members,
  });
  const charter = validateCharter({ ...base, ...more, handlingTargets: { ...base.handlingTargets, ...targets } });
  const channel = channelId(charter as unknown as JsonValue);
  const signatures = parties.map((p) => signCharter(charter as unknown as JsonValue, p, signer(p)));
  const configs = { us: t.freshConfig(), cn: t.freshConfig() };
  const [us, cn] = await Promise.all(
    parties.map(async (party, i) => {
      const store = await t.open(i === 0 ? configs.us : configs.cn);
      await store.putChannel({
        id: channel,
        charter: JSON.stringify(charter),
        signatures: JSON.stringify(signatures),
        state: 'active',
        createdAt: charter.createdAt,
      });
      return new ParleyNode({ party, signer: signer(party), store, clock });
    }),
  );
  const deliver = async (from: ParleyNode, to: ParleyNode) => {
    const theirs = await to.store.heads(channel);
    for (const [author, head] of Object.entries(await from.store.heads(channel))) {
      const have = theirs[author]?.seq ?? 0;
      if (head.seq <= have) continue;
      const rows = await from.store.range(channel, author, have + 1, 1000);
      await to.ingest(channel, rows.map(rowToEntry));
    }
  };
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      await deliver(us!, cn!);
      await deliver(cn!, us!);
    }
  };
  return { us: us!, cn: cn!, channel, charter, clock, configs, deliver, settle };
}
