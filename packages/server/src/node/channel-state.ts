import { type Charter, ParleyError, validateCharter } from '@parley/contract';
import { KeyHistory } from '@parley/record';
import type { ChannelRow } from '../store/store.js';

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

export function requireActive(row: ChannelRow | undefined, id: string): ChannelRow {
  if (!row || row.state !== 'active') throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel: id });
  return row;
}
