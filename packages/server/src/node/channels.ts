import { randomBytes } from 'node:crypto';
import { type Charter, defaultCharter, ParleyError, validateCharter } from '@parley/contract';
import {
  type CharterSignature,
  channelId,
  type JsonValue,
  signCharter,
  toBase64url,
  verifyCharter,
  verifyCharterSignatures,
} from '@parley/record';
import type { ChannelRow, Store } from '../store/store.js';
import type { ParleyNode } from './node.js';

/** A channel as it travels between members while it is being co-signed. */
export interface CharterOffer {
  id: string;
  charter: Charter;
  signatures: CharterSignature[];
}

/** Who this node is, for a charter: its id, names and identity key. */
export interface SelfCard {
  party: string;
  names: Record<string, string>;
  key: string;
}

async function pinnedMembers(store: Store, self: SelfCard, members: string[]) {
  const out = [{ id: self.party, names: self.names, key: self.key }];
  for (const id of members) {
    if (id === self.party) continue;
    const peer = await store.getPeer(id);
    if (!peer)
      throw new ParleyError('PARLEY_E_USAGE', { reason: `${id} is not a pinned peer: parley peer add its card first` });
    const { card } = JSON.parse(peer.card) as { card: { names: Record<string, string>; key: string } };
    out.push({ id, names: card.names, key: card.key });
  }
  return out;
}

/** What a proposer may set in a new charter instead of DESIGN.md's defaults. */
export interface CharterChoices {
  /** Minutes per precedence for a person to acknowledge a message. */
  handlingTargets?: Partial<Charter['handlingTargets']>;
  /** The channel's dialogue mechanisms (none by default). */
  mechanisms?: Charter['mechanisms'];
  /** The agreed bilingual glossary (empty by default). */
  glossary?: Charter['glossary'];
}

/** Proposes a channel: a charter with DESIGN.md's defaults (but for `choices`), signed by this party. */
export async function proposeChannel(
  node: ParleyNode,
  self: SelfCard,
  name: string,
  members: string[],
  choices: CharterChoices = {},
): Promise<CharterOffer> {
  if (!members.includes(self.party)) members = [self.party, ...members];
  if (new Set(members).size < 2)
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'a channel needs at least two members' });
  const defaults = defaultCharter({
    name,
    proposer: self.party,
    createdAt: node.now(),
    nonce: toBase64url(randomBytes(16)),
    members: await pinnedMembers(node.store, self, [...new Set(members)]),
  });
  const charter = validateCharter({
    ...defaults,
    handlingTargets: { ...defaults.handlingTargets, ...choices.handlingTargets },
    ...(choices.mechanisms ? { mechanisms: choices.mechanisms } : {}),
    ...(choices.glossary ? { glossary: choices.glossary } : {}),
  });
  const id = channelId(charter as unknown as JsonValue);
  const offer: CharterOffer = {
    id,
    charter,
    signatures: [signCharter(charter as unknown as JsonValue, self.party, node.signer)],
  };
  await save(node, offer);
  return offer;
}

/** Adds this party's signature to a proposed channel. */
export async function acceptChannel(node: ParleyNode, self: SelfCard, id: string): Promise<CharterOffer> {
  const row = await node.store.getChannel(id);
  if (!row) throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel: id });
  const offer = fromRow(row);
  if (!offer.signatures.some((s) => s.party === self.party)) {
    offer.signatures.push(signCharter(offer.charter as unknown as JsonValue, self.party, node.signer));
  }
  await save(node, offer);
  return offer;
}

/**
 * Takes a charter offer from a peer: checks it (a member sent it, its members'
 * keys are the keys we pinned, each signature present is valid), merges its
 * signatures with ours, and activates the channel when every member signed.
 */
export async function receiveOffer(
  node: ParleyNode,
  self: SelfCard,
  from: string,
  input: unknown,
): Promise<{ offer: CharterOffer; changed: boolean }> {
  const offer = parseOffer(input);
  const members = offer.charter.members.map((m) => m.id);
  if (!members.includes(self.party) || !members.includes(from)) {
    throw new ParleyError('PARLEY_E_CHARTER', { reason: 'sender and receiver must both be members' });
  }
  const pinned = await pinnedMembers(node.store, self, members);
  for (const m of offer.charter.members) {
    if (pinned.find((p) => p.id === m.id)?.key !== m.key) {
      throw new ParleyError('PARLEY_E_CHARTER', { reason: `${m.id}'s key is not the key pinned for it` });
    }
  }
  const row = await node.store.getChannel(offer.id);
  const merged = row ? merge(fromRow(row), offer) : offer;
  const changed = !row || merged.signatures.length !== JSON.parse(row.signatures).length;
  if (changed) await save(node, merged);
  return { offer: merged, changed };
}

function parseOffer(input: unknown): CharterOffer {
  const o = input as Partial<CharterOffer> | null;
  if (!o || typeof o.id !== 'string' || !Array.isArray(o.signatures)) {
    throw new ParleyError('PARLEY_E_CHARTER', { reason: 'an offer is { id, charter, signatures }' });
  }
  const charter = validateCharter(o.charter);
  if (channelId(charter as unknown as JsonValue) !== o.id)
    throw new ParleyError('PARLEY_E_CHARTER', { reason: 'channel id is not the hash of the charter' });
  const offer = { id: o.id, charter, signatures: o.signatures as CharterSignature[] };
  checkSignatures(offer);
  return offer;
}

/** Verifies the signatures present (not every member need have signed yet). */
function checkSignatures(offer: CharterOffer): void {
  verifyCharterSignatures(offer.charter as never, offer.signatures, false);
}

function merge(a: CharterOffer, b: CharterOffer): CharterOffer {
  const signatures = [...a.signatures];
  for (const s of b.signatures) if (!signatures.some((x) => x.party === s.party)) signatures.push(s);
  return { ...a, signatures };
}

function fromRow(row: ChannelRow): CharterOffer {
  return { id: row.id, charter: validateCharter(JSON.parse(row.charter)), signatures: JSON.parse(row.signatures) };
}

async function save(node: ParleyNode, offer: CharterOffer): Promise<void> {
  const signed = new Set(offer.signatures.map((s) => s.party));
  const state = offer.charter.members.every((m) => signed.has(m.id)) ? 'active' : 'proposed';
  if (state === 'active')
    verifyCharter({ id: offer.id, charter: offer.charter as never, signatures: offer.signatures });
  const previous = await node.store.getChannel(offer.id);
  await node.store.putChannel({
    id: offer.id,
    charter: JSON.stringify(offer.charter),
    signatures: JSON.stringify(offer.signatures),
    state,
    createdAt: previous?.createdAt ?? node.now(),
  });
  if (previous?.state !== state) node.events.emit('channel', { id: offer.id, state });
}
