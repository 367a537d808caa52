import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses another', async () => {
    const stored = await hashPassword('correct horse battery', 10);
    assert.match(stored, /^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hashPassword('same password', 10), await hashPassword('same password', 10));
  });

  it('verifies with the parameters stored beside the hash, so the cost can change later', async () => {
    const cheap = await hashPassword('correct horse battery', 4);
    assert.equal(await verifyPassword('correct horse battery', cheap), true);
  });

  it('uses scrypt with the cost production uses (N = 2^15) within the memory it allows', async () => {
    const stored = await hashPassword('correct horse battery', 15);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
  });

  it('refuses malformed or tampered hashes instead of throwing', async () => {
    const stored = await hashPassword('pw-pw-pw-pw-pw', 4);
    for (const bad of [
      '',
      'bcrypt$x',
      stored.replace('scrypt$4', 'scrypt$40'),
      stored.slice(0, -2),
      'scrypt$4$8$1$$',
    ]) {
      assert.equal(await verifyPassword('pw-pw-pw-pw-pw', bad), false, bad);
    }
  });
});
