import { defaultCharter, examples } from '@parley/contract';
import { channelId, Ed25519Signer, type JsonValue, signCharter, toBase64url } from '@parley/record';
import type { ChannelRow } from '../store/store.js';

/**
 * A channel between us-js and cn-jsd with fresh keys, active (both signed), as
 * the row a store holds: for node tests that sign both parties' entries.
 */
export function twoPartyChannel(name: string): { id: string; row: ChannelRow; us: Ed25519Signer; cn: Ed25519Signer } {
  const us = Ed25519Signer.generate();
  const cn = Ed25519Signer.generate();
  const charter = defaultCharter({
    name,
    proposer: 'us-js',
    createdAt: '2024-01-01T00:00:00.000Z',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    members: [
      { id: 'us-js', names: { en: 'us' }, key: toBase64url(us.publicKey) },
      { id: 'cn-jsd', names: { en: 'cn' }, key: toBase64url(cn.publicKey) },
    ],
  });
  const id = channelId(charter as unknown as JsonValue);
  const row: ChannelRow = {
    id,
    charter: JSON.stringify(charter),
    signatures: JSON.stringify([
      signCharter(charter as unknown as JsonValue, 'us-js', us),
      signCharter(charter as unknown as JsonValue, 'cn-jsd', cn),
    ]),
    state: 'active',
    createdAt: '2024-01-01T00:00:00.000Z',
  };
  return { id, row, us, cn };
}

/** A hotline message body with the given serial (no translation). */
export function messageBody(serial: number): JsonValue {
  const body = { ...examples.message, serial } as Record<string, unknown>;
  delete body.translation;
  return body as JsonValue;
}
