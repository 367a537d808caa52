import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isParleyError } from '@parley/contract';
import { tempDir } from './_util.js';
import { certFingerprint } from './fingerprint.js';
import { createIdentity, keyFiles, loadIdentity } from './key-files.js';

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

async function withIdentity(test: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir('parley-keys-');
  try {
    await createIdentity(dir, 'us-js');
    await test(dir);
  } finally {
    cleanup();
  }
}

describe('key files', () => {
  it('writes keys with mode 0600 and the certificate with 0644', async () => {
    await withIdentity(async (dir) => {
      assert.equal(modeOf(join(dir, keyFiles.identity)), 0o600);
      assert.equal(modeOf(join(dir, keyFiles.tlsKey)), 0o600);
      assert.equal(modeOf(join(dir, keyFiles.tlsCert)), 0o644);
    });
  });

  it('reads back the same keys', async () => {
    const { dir, cleanup } = tempDir('parley-keys-');
    try {
      const made = await createIdentity(dir, 'us-js');
      const loaded = await loadIdentity(dir);
      assert.deepEqual(loaded.signer.publicKey, made.signer.publicKey);
      assert.deepEqual(loaded.tls, made.tls);
      assert.equal(loaded.tls.fingerprint, certFingerprint(readFileSync(join(dir, keyFiles.tlsCert), 'utf8')));
    } finally {
      cleanup();
    }
  });

  it('never overwrites a key', async () => {
    await withIdentity(async (dir) => {
      const before = readFileSync(join(dir, keyFiles.identity), 'utf8');
      await assert.rejects(createIdentity(dir, 'us-js'), (e) => isParleyError(e, 'PARLEY_E_KEY_EXISTS'));
      assert.equal(readFileSync(join(dir, keyFiles.identity), 'utf8'), before);
    });
  });

  it('writes nothing when any one of the files exists', async () => {
    const { dir, cleanup } = tempDir('parley-keys-');
    try {
      writeFileSync(join(dir, keyFiles.tlsCert), 'left over');
      await assert.rejects(createIdentity(dir, 'us-js'), (e) => isParleyError(e, 'PARLEY_E_KEY_EXISTS'));
      assert.throws(() => statSync(join(dir, keyFiles.identity)), { code: 'ENOENT' });
    } finally {
      cleanup();
    }
  });

  for (const [file, mode] of [
    [keyFiles.identity, 0o644],
    [keyFiles.tlsKey, 0o640],
    [keyFiles.identity, 0o604],
  ] as const) {
    it(`refuses ${file} with mode 0${mode.toString(8)}`, async () => {
      await withIdentity(async (dir) => {
        chmodSync(join(dir, file), mode);
        await assert.rejects(loadIdentity(dir), (e) => {
          assert.ok(isParleyError(e, 'PARLEY_E_KEY_PERMISSIONS'), String(e));
          assert.equal(e.details.mode, `0${mode.toString(8)}`);
          assert.match(e.message, /group and others must have no access/);
          return true;
        });
      });
    });
  }

  it('accepts a key made stricter (0400)', async () => {
    await withIdentity(async (dir) => {
      chmodSync(join(dir, keyFiles.identity), 0o400);
      await loadIdentity(dir);
    });
  });

  it('names a missing file', async () => {
    await withIdentity(async (dir) => {
      rmSync(join(dir, keyFiles.tlsCert));
      await assert.rejects(
        loadIdentity(dir),
        (e) => isParleyError(e, 'PARLEY_E_KEY_FILE') && /missing/.test(e.message),
      );
    });
  });

  it('refuses a TLS key that is not the certificate’s', async () => {
    await withIdentity(async (dir) => {
      const other = tempDir('parley-keys-');
      try {
        await createIdentity(other.dir, 'us-js');
        rmSync(join(dir, keyFiles.tlsKey));
        writeFileSync(join(dir, keyFiles.tlsKey), readFileSync(join(other.dir, keyFiles.tlsKey)), { mode: 0o600 });
        await assert.rejects(
          loadIdentity(dir),
          (e) => isParleyError(e, 'PARLEY_E_KEY_FILE') && /not the key/.test(e.message),
        );
      } finally {
        other.cleanup();
      }
    });
  });

  it('refuses an identity key that is not Ed25519', async () => {
    await withIdentity(async (dir) => {
      rmSync(join(dir, keyFiles.identity));
      writeFileSync(join(dir, keyFiles.identity), readFileSync(join(dir, keyFiles.tlsKey)), { mode: 0o600 });
      await assert.rejects(loadIdentity(dir), (e) => isParleyError(e, 'PARLEY_E_KEY_FILE'));
    });
  });
});
