import { readFileSync } from 'node:fs';
import { ParleyError } from '@parley/contract';
import { act, engagementState } from '../engagement/act.js';
import { engagementViews } from '../engagement/fold.js';
import { actingPerson, type Person, personNamed } from '../hotline/person.js';
import { type Args, str } from './op-args.js';
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

/** `--body` as JSON text, `@FILE` holding JSON, or (through the control API) an object already. */
export function bodyOf(args: Args): unknown {
  const raw = args.body;
  if (raw === undefined || raw === null || raw === '')
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--body is required' });
  if (typeof raw !== 'string') return raw;
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (error) {
      throw new ParleyError('PARLEY_E_USAGE', { reason: `--body ${raw}: ${(error as Error).message}` });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ParleyError('PARLEY_E_USAGE', { reason: `--body is not JSON: ${(error as Error).message}` });
  }
}

/** Engagement commands, through the same rules as the console API (engagement/). */
export const engagementOperations = {
  async act(ctx: OpContext, args: Args) {
    const by = await actor(ctx, args);
    const channel = str(args, 'channel')!;
    const type = str(args, 'type')!;
    const r = await act(ctx.open.node, channel, type, bodyOf(args), by);
    return { ...r, by: by.user, provisional: by.provisional };
  },

  /** Everything the rules derive from a channel's record, as of the node's clock. */
  async engagements(ctx: OpContext, args: Args) {
    const channel = str(args, 'channel')!;
    return engagementViews(await engagementState(ctx.open.node, channel), ctx.open.node.now());
  },
};
