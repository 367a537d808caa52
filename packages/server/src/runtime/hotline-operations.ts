import { ParleyError, type Precedence, precedences } from '@parley/contract';
import { accountsFor } from '../accounts/accounts-for.js';
import { appendAudit } from '../accounts/audit-rows.js';
import { acknowledge } from '../hotline/acknowledge.js';
import { attachFiles } from '../hotline/attachments-files.js';
import type { Compose } from '../hotline/compose.js';
import { actingPerson, type Person, personNamed } from '../hotline/person.js';
import { releaseDraft, type Sent, type SentAlongside, submitMessage } from '../hotline/send-message.js';
import { type Args, flag, str } from './op-args.js';
import type { OpContext } from './operations.js';

/** Who acts: `--as USER`, roles from the node's users; without users yet, the CLI acts as "cli" with every role. */
async function actor(ctx: OpContext, args: Args): Promise<Person & { provisional: boolean }> {
  const name = str(args, 'as', false);
  if (name !== undefined) return actingPerson(ctx.open.store, name);
  const cli = await personNamed(ctx.open.store, 'cli');
  if (!cli.provisional)
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--as USER is required: this node has users, and acts as one' });
  return cli;
}

/** `--attach FILE` (repeatable): absolute paths, read by the node (the CLI resolves them). */
function filesOf(args: Args): string[] {
  const v = args.attach;
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((p): p is string => typeof p === 'string' && p !== ''))
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--attach takes a file path' });
  return list;
}

function precedenceOf(args: Args): Precedence {
  const p = (str(args, 'precedence', false) ?? 'ROUTINE').toUpperCase() as Precedence;
  if (!precedences.includes(p))
    throw new ParleyError('PARLEY_E_USAGE', { reason: `--precedence must be one of ${precedences.join(', ')}` });
  return p;
}

/**
 * The node's audit log (local, never sent): every hotline action a person
 * takes from the command line. It is written after the action, which stands
 * even if the log cannot be written: the answer then says `audited: false`.
 * A sent or released message's row is written with the message instead
 * (auditAlongside), so its answer always says `audited: true`.
 */
async function audit(
  ctx: OpContext,
  by: Person,
  action: string,
  target: string,
  details: Record<string, unknown>,
): Promise<boolean> {
  try {
    const accounts = accountsFor(ctx.open.store, ctx.open.node.clock);
    await accounts.audit({ user: by.user, action, target, address: 'cli', details });
    return true;
  } catch {
    return false;
  }
}

/**
 * A sent message's audit row, written in the message's own transaction
 * (docs/decisions/0017): when the answer comes, both are on disk, and the
 * submissions in flight share one commit. If it cannot be written, the
 * message is not written either.
 */
function auditAlongside(
  ctx: OpContext,
  by: Person,
  action: string,
  target: (sent: Sent) => string,
  details: (sent: Sent) => Record<string, unknown>,
): SentAlongside {
  return (db, sent) =>
    appendAudit(db, ctx.open.node.now(), {
      user: by.user,
      action,
      target: target(sent),
      address: 'cli',
      details: details(sent),
    });
}

/** The hotline's commands, through the same rules as the console API (hotline/). */
export const hotlineOperations = {
  async send(ctx: OpContext, args: Args) {
    const channel = str(args, 'channel')!;
    const { charter } = await ctx.open.node.channel(channel);
    const by = await actor(ctx, args);
    const replyTo = str(args, 'reply-to', false);
    const compose: Compose = {
      precedence: precedenceOf(args),
      subject: str(args, 'subject')!,
      text: str(args, 'text')!,
      language: str(args, 'language', false) ?? ctx.open.config.lang,
      marking: str(args, 'marking', false) ?? charter.markings[0]!,
      attachments: await attachFiles(ctx.open.node, filesOf(args)),
      ...(replyTo ? { replyTo } : {}),
    };
    const sentAudit = auditAlongside(
      ctx,
      by,
      'messages.send',
      (sent) => sent.id,
      (sent) => ({ channel, serial: sent.serial, release: sent.release }),
    );
    const r = await submitMessage(ctx.open.node, channel, by, compose, flag(args, 'emergency'), sentAudit);
    const provisional = by.provisional;
    if (r.kind === 'drafted') {
      const audited = await audit(ctx, by, 'messages.draft', r.draft.id, { channel, precedence: compose.precedence });
      return { draft: r.draft.id, precedence: compose.precedence, drafter: by.user, provisional, audited };
    }
    return { id: r.id, seq: r.seq, serial: r.serial, time: r.time, release: r.release, provisional, audited: true };
  },

  async release(ctx: OpContext, args: Args) {
    const by = await actor(ctx, args);
    const draft = str(args, 'draft')!;
    const drafterOf = (name: string) => personNamed(ctx.open.store, name);
    const releaseAudit = auditAlongside(
      ctx,
      by,
      'messages.release',
      () => draft,
      (sent) => ({ entry: sent.id, serial: sent.serial, release: sent.release }),
    );
    const r = await releaseDraft(ctx.open.node, draft, by, drafterOf, flag(args, 'emergency'), releaseAudit);
    return {
      id: r.id,
      seq: r.seq,
      serial: r.serial,
      time: r.time,
      release: r.release,
      provisional: by.provisional,
      audited: true,
    };
  },

  async ack(ctx: OpContext, args: Args) {
    const by = await actor(ctx, args);
    const channel = str(args, 'channel')!;
    const message = str(args, 'entry')!;
    const r = await acknowledge(ctx.open.node, channel, message, by);
    const audited = r.already || (await audit(ctx, by, 'messages.ack', message, { channel, entry: r.id }));
    return { ...r, by: by.user, provisional: by.provisional, audited };
  },
};
