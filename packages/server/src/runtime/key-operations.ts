import { toBase64url } from '@parley/record';
import { commitRotation, pendingKey } from '../identity/key-rotation.js';
import type { OpContext } from './operations.js';

/** Serializes rotations within one process (the control API may be called twice at once). */
let rotating: Promise<unknown> = Promise.resolve();

/**
 * `parley key rotate`: a new identity key, a key-rotate entry (signed by the
 * old key, with the new key's proof) in every active channel, then the new key
 * file takes `identity.key`'s place (the old one kept as identity.key.<n>.old)
 * and the node signs with it. Run again after an interruption, it finishes
 * the same rotation (docs/operations.md "Key rotation").
 */
export const keyOperations = {
  async 'key-rotate'(ctx: OpContext) {
    const run = rotating.then(() => rotate(ctx));
    rotating = run.catch(() => undefined);
    return run;
  },
} satisfies Record<string, (ctx: OpContext) => Promise<unknown>>;

async function rotate({ open }: OpContext) {
  const previousKey = toBase64url(open.node.signer.publicKey);
  const { signer, resumed } = await pendingKey(open.dir);
  const key = toBase64url(signer.publicKey);
  const channels: Array<{ channel: string; seq: number }> = [];
  for (const row of await open.store.listChannels()) {
    if (row.state !== 'active') continue;
    const written = await open.node.rotateKey(row.id, signer);
    if (written) channels.push({ channel: row.id, seq: written.entry.header.seq });
  }
  const oldKeyFile = await commitRotation(open.dir);
  open.node.useSigner(signer);
  open.identity = { ...open.identity, signer };
  open.self.key = key;
  return { party: open.config.party, key, previousKey, oldKeyFile, resumed, channels };
}
