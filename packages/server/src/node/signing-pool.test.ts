import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ed25519Signer, sha256, verifyEd25519 } from '@parley/record';
import { PooledSigner, pooled, SigningPool } from './signing-pool.js';

const messages = (n: number) => Array.from({ length: n }, (_, i) => sha256(new TextEncoder().encode(`message ${i}`)));

describe('the signing pool (decision 0023)', () => {
  it("signs a group on its thread: each signature is the key's own, in order", async () => {
    const pool = new SigningPool();
    try {
      const key = Ed25519Signer.generate();
      const group = messages(40);
      const sigs = await pool.sign(key.toPem(), group);
      assert.equal(sigs.length, group.length);
      for (const [i, m] of group.entries()) {
        assert.deepEqual(Buffer.from(sigs[i]!), Buffer.from(key.sign(m)), `message ${i}`);
        assert.ok(verifyEd25519(key.publicKey, m, sigs[i]!));
      }
      assert.deepEqual(await pool.sign(key.toPem(), []), []);
    } finally {
      await pool.close();
    }
  });

  it('serves several keys and groups at once', async () => {
    const pool = new SigningPool();
    try {
      const keys = [Ed25519Signer.generate(), Ed25519Signer.generate()];
      const groups = await Promise.all(keys.map((k) => pool.sign(k.toPem(), messages(8))));
      for (const [k, sigs] of groups.entries()) {
        for (const [i, m] of messages(8).entries()) assert.ok(verifyEd25519(keys[k]!.publicKey, m, sigs[i]!));
      }
    } finally {
      await pool.close();
    }
  });

  it('stops its thread when idle and starts it again when needed', async () => {
    const pool = new SigningPool(50);
    try {
      const key = Ed25519Signer.generate();
      assert.equal(pool.running, false, 'no thread before the first group');
      await pool.sign(key.toPem(), messages(2));
      assert.equal(pool.running, true);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(pool.running, false, 'stopped after idleMs without work');
      const sigs = await pool.sign(key.toPem(), messages(2));
      assert.ok(verifyEd25519(key.publicKey, messages(2)[1]!, sigs[1]!));
    } finally {
      await pool.close();
    }
  });

  it('fails a group it cannot sign (not a key) with a clear error, and goes on serving', async () => {
    const pool = new SigningPool();
    try {
      await assert.rejects(pool.sign('not a PEM key', messages(2)), /signing worker:/);
      const key = Ed25519Signer.generate();
      assert.equal((await pool.sign(key.toPem(), messages(3))).length, 3);
    } finally {
      await pool.close();
    }
  });

  it('a pooled signer signs in line when the pool cannot: a closed pool never fails a signature', async () => {
    const pool = new SigningPool();
    const key = Ed25519Signer.generate();
    const signer = pooled(key, pool);
    assert.ok(signer instanceof PooledSigner);
    await pool.close();
    await assert.rejects(pool.sign(key.toPem(), messages(1)), /closed/);
    const sigs = await signer.signMany!(messages(3));
    for (const [i, m] of messages(3).entries()) assert.deepEqual(Buffer.from(sigs[i]!), Buffer.from(key.sign(m)));
    assert.deepEqual(Buffer.from(signer.sign(messages(1)[0]!)), Buffer.from(key.sign(messages(1)[0]!)));
    assert.equal(pooled(key, undefined), key, 'no pool: the key as it is');
  });
});
