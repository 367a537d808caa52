import { constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { ParleyError } from '@parley/contract';

/** The first of `paths` that exists (as anything, even a dangling link), if any. */
export async function existing(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await lstat(path);
      return path;
    } catch (error) {
      if (code(error) !== 'ENOENT') throw ioError('inspect', path, error);
    }
  }
  return undefined;
}

/**
 * Creates `path` with `mode` from the first byte (O_CREAT|O_EXCL: never an
 * existing file or link, never a window with looser permissions), and syncs it.
 */
export async function writeNewFile(path: string, text: string, mode: number): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (error) {
    if (code(error) === 'EEXIST') throw new ParleyError('PARLEY_E_KEY_EXISTS', { path });
    throw ioError('create', path, error);
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    throw ioError('write', path, error);
  } finally {
    await handle.close();
  }
}

/** Reads a private key file, refusing it (like ssh) if group or others have any access. */
export async function readPrivateFile(path: string): Promise<string> {
  return read(path, (mode) => {
    if ((mode & 0o077) !== 0)
      throw new ParleyError('PARLEY_E_KEY_PERMISSIONS', { path, mode: `0${(mode & 0o777).toString(8)}` });
  });
}

/** Reads a file that need not be secret (a certificate). */
export async function readPublicFile(path: string): Promise<string> {
  return read(path, () => {});
}

// The mode is checked on the open handle, so it is the mode of what is read.
async function read(path: string, check: (mode: number) => void): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (code(error) === 'ENOENT')
      throw new ParleyError('PARLEY_E_KEY_FILE', { path, reason: 'missing (`parley init` creates it)' });
    throw ioError('open', path, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ParleyError('PARLEY_E_KEY_FILE', { path, reason: 'not a regular file' });
    check(stat.mode);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function ioError(op: string, path: string, error: unknown): ParleyError {
  return new ParleyError('PARLEY_E_IO', { op, path, reason: code(error) ?? String(error) }, { cause: error });
}
