import { link, open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ParleyError } from '@parley/contract';
import { Ed25519Signer } from '@parley/record';
import { keyFiles } from './key-files.js';
import { existing, readPrivateFile, writeNewFile } from './private-files.js';

/**
 * Identity key files of a rotation (docs/operations.md "Key rotation"):
 * `identity.key.new` holds the new key while its key-rotate entries are
 * written; then the old key is kept as `identity.key.<n>.old` (n = 1, 2, …)
 * and the new one takes the name `identity.key` by one rename.
 */
export const rotationFiles = {
  pending: `${keyFiles.identity}.new`,
  old: (n: number) => `${keyFiles.identity}.${n}.old`,
} as const;

const OLD = /^identity\.key\.(\d+)\.old$/;

/**
 * The new key of a rotation: the pending key left by an interrupted rotation
 * (so running the command again finishes it under the same key), else a new
 * Ed25519 key written with mode 0600 before anything is signed with it.
 */
export async function pendingKey(dir: string): Promise<{ signer: Ed25519Signer; resumed: boolean }> {
  const path = join(dir, rotationFiles.pending);
  if ((await existing([path])) !== undefined)
    return { signer: readKey(path, await readPrivateFile(path)), resumed: true };
  const signer = Ed25519Signer.generate();
  await writeNewFile(path, signer.toPem(), 0o600);
  return { signer, resumed: false };
}

/**
 * Makes the pending key the identity key: the old file is kept (hard link, so
 * its mode 0600 stays) as `identity.key.<n>.old`, then the pending file is
 * renamed over `identity.key` (atomic: the name always holds one whole key)
 * and the directory synced. Returns the old key's file name.
 */
export async function commitRotation(dir: string): Promise<string> {
  const n = Math.max(0, ...(await oldKeyNumbers(dir))) + 1;
  const oldName = rotationFiles.old(n);
  await io('link', join(dir, oldName), () => link(join(dir, keyFiles.identity), join(dir, oldName)));
  await io('rename', join(dir, keyFiles.identity), () =>
    rename(join(dir, rotationFiles.pending), join(dir, keyFiles.identity)),
  );
  await io('sync', dir, async () => {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
  return oldName;
}

/**
 * Keys this party holds besides `identity.key`: the old keys (they still sign
 * channels a rotation has not reached, e.g. one proposed before it) and the
 * pending key of an interrupted rotation (it signs the channels already rotated).
 */
export async function otherKeys(dir: string): Promise<Ed25519Signer[]> {
  const names = [...(await oldKeyNumbers(dir))].sort((a, b) => a - b).map((n) => rotationFiles.old(n));
  if ((await existing([join(dir, rotationFiles.pending)])) !== undefined) names.push(rotationFiles.pending);
  const signers: Ed25519Signer[] = [];
  for (const name of names) {
    const path = join(dir, name);
    signers.push(readKey(path, await readPrivateFile(path)));
  }
  return signers;
}

async function oldKeyNumbers(dir: string): Promise<number[]> {
  return (await io('list', dir, () => readdir(dir))).flatMap((name) => {
    const match = OLD.exec(name);
    return match ? [Number(match[1])] : [];
  });
}

function readKey(path: string, pem: string): Ed25519Signer {
  try {
    return Ed25519Signer.fromPem(pem);
  } catch (error) {
    throw new ParleyError('PARLEY_E_KEY_FILE', { path, reason: 'not an Ed25519 private key' }, { cause: error });
  }
}

async function io<T>(op: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ParleyError('PARLEY_E_IO', { op, path, reason }, { cause: error });
  }
}
