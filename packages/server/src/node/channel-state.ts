import { type Charter, ParleyError, validateCharter } from '@parley/contract';
import { KeyHistory } from '@parley/record';
import type { ChannelRow, Store } from '../store/store.js';

/** What the node keeps in memory about an active channel. */
export interface ChannelState {
  id: string;
  charter: Charter;
  members: string[];
  keys: KeyHistory;
}

export function channelState(row: ChannelRow): ChannelState {
  const charter = validateCharter(JSON.parse(row.charter));
  return {
    id: row.id,
    charter,
    members: charter.members.map((m) => m.id),
    keys: KeyHistory.fromMembers(charter.members),
  };
}

/**
 * The active channel's state with its key history as the store holds it: the
 * charter's keys, then every stored `key-rotate` entry (each was checked,
 * proof included, when it was written or taken in), so a restarted node knows
 * rotated keys.
 */
export async function loadChannelState(store: Store, id: string): Promise<ChannelState> {
  const state = channelState(requireActive(await store.getChannel(id), id));
  for (const row of await store.entriesOfType(id, 'key-rotate')) {
    const { newKey } = JSON.parse(row.body) as { newKey: string };
    state.keys.rotate(row.author, row.seq, newKey);
  }
  return state;
}

export function requireActive(row: ChannelRow | undefined, id: string): ChannelRow {
  if (row?.state !== 'active') throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel: id });
  return row;
}
