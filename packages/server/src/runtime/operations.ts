import { type Charter, ParleyError } from '@parley/contract';
import { parseTargets } from '../hotline/targets.js';
import { signCard, verifyCard } from '../identity/peer-card.js';
import type { LinkService } from '../link/service.js';
import { acceptChannel, proposeChannel } from '../node/channels.js';
import { engagementOperations } from './engagement-operations.js';
import { exportChannel } from './export.js';
import { exportUnanswered } from './export-unanswered.js';
import { hotlineOperations } from './hotline-operations.js';
import { keyOperations } from './key-operations.js';
import { type Args, str } from './op-args.js';
import type { OpenNode } from './open-node.js';
import { statusOf } from './status.js';

/** What an operation runs against: the open node, and the live link when `parley serve` runs it. */
export interface OpContext {
  open: OpenNode;
  link?: LinkService;
  /** Called after a peer is pinned, so a running server can admit it at once. */
  onPeerAdded?: (party: string) => Promise<void>;
}

/** Every command the CLI can run, locally or through a running `parley serve`. */
export const operations = {
  async 'peer-card'({ open }: OpContext) {
    const { config, identity } = open;
    return signCard(
      {
        v: 1,
        party: config.party,
        names: config.names,
        key: open.self.key,
        tls: { cert: identity.tls.certPem, fingerprint: identity.tls.fingerprint },
        endpoints: config.endpoints,
        issuedAt: open.node.now(),
      },
      identity.signer,
    );
  },

  async 'peer-add'(ctx: OpContext, args: Args) {
    const card = verifyCard(args.card);
    if (card.party === ctx.open.config.party)
      throw new ParleyError('PARLEY_E_USAGE', { reason: "that is this node's own card" });
    await ctx.open.store.putPeer({
      party: card.party,
      card: JSON.stringify(args.card),
      fingerprint: card.tls.fingerprint,
      addedAt: ctx.open.node.now(),
    });
    await ctx.onPeerAdded?.(card.party);
    return { party: card.party, key: card.key, fingerprint: card.tls.fingerprint, endpoints: card.endpoints };
  },

  async 'channel-propose'(ctx: OpContext, args: Args) {
    const members = (str(args, 'members') ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    const targets = str(args, 'targets', false);
    const offer = await proposeChannel(ctx.open.node, ctx.open.self, str(args, 'name')!, members, {
      ...(targets !== undefined ? { handlingTargets: parseTargets(targets) } : {}),
      // Given through the control API only (the demo); validateCharter checks them.
      ...(Array.isArray(args.mechanisms) ? { mechanisms: args.mechanisms as Charter['mechanisms'] } : {}),
      ...(Array.isArray(args.glossary) ? { glossary: args.glossary as Charter['glossary'] } : {}),
    });
    const reached = ctx.link ? await ctx.link.offer(offer.id) : [];
    return { id: offer.id, state: 'proposed', members: offer.charter.members.map((m) => m.id), reached };
  },

  async 'channel-accept'(ctx: OpContext, args: Args) {
    const offer = await acceptChannel(ctx.open.node, ctx.open.self, str(args, 'channel')!);
    const reached = ctx.link ? await ctx.link.offer(offer.id) : [];
    const row = await ctx.open.store.getChannel(offer.id);
    return { id: offer.id, state: row?.state, signed: offer.signatures.map((s) => s.party), reached };
  },

  ...hotlineOperations,

  ...engagementOperations,

  ...keyOperations,

  async status(ctx: OpContext) {
    return statusOf(ctx);
  },

  async log(ctx: OpContext, args: Args) {
    const channel = str(args, 'channel')!;
    await ctx.open.node.channel(channel);
    const lines: string[] = [];
    const rows = [];
    let after: { author: string; seq: number } | undefined;
    for (;;) {
      const page = await ctx.open.store.scan(channel, after, 1000);
      if (page.length === 0) break;
      rows.push(...page);
      after = { author: page[page.length - 1]!.author, seq: page[page.length - 1]!.seq };
    }
    rows.sort((a, b) =>
      a.time < b.time ? -1 : a.time > b.time ? 1 : a.author < b.author ? -1 : a.author > b.author ? 1 : a.seq - b.seq,
    );
    for (const row of rows) {
      let line = `${row.time} ${row.author} #${row.seq} ${row.type}`;
      if (row.type === 'message') {
        const body = JSON.parse(row.body) as { precedence: string; subject: string; serial: number };
        line += ` ${body.precedence} [${body.serial}] ${body.subject}`;
      }
      lines.push(line);
    }
    return { lines };
  },

  async export(ctx: OpContext, args: Args) {
    const unanswered = str(args, 'prove-unanswered', false);
    if (unanswered !== undefined) {
      const options = { request: unanswered, party: str(args, 'party', false), channel: str(args, 'channel', false) };
      return (await exportUnanswered(ctx.open, options)).bundle;
    }
    const disclose = str(args, 'disclose', false);
    return exportChannel(ctx.open, {
      channel: str(args, 'channel')!,
      from: str(args, 'from', false),
      to: str(args, 'to', false),
      disclose: disclose === undefined ? undefined : disclose.split(',').map((t) => t.trim()),
    });
  },

  async rebuild(ctx: OpContext) {
    return { replayed: await ctx.open.store.rebuildProjections() };
  },
} satisfies Record<string, (ctx: OpContext, args: Args) => Promise<unknown>>;

export type OperationName = keyof typeof operations;
