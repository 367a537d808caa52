import { ParleyError, type Role, type UpdateUser } from '@parley/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { deleteUserSessions } from './session-rows.js';
import { enabledWith, setUser, type UserRow, userBy } from './user-rows.js';

/** An admin's change; a new password comes hashed (Accounts.hashPassword). */
export type UserChanges = Omit<UpdateUser, 'password'> & { passwordHash?: string };

/**
 * Applies an admin's change to a user. A new password also ends the lockout;
 * disabling or a new password ends every session of the user. The last
 * enabled admin can be neither disabled nor stripped of the admin role.
 */
export async function changeUser(db: Kysely<Database>, id: string, changes: UserChanges): Promise<void> {
  const row = await userBy(db, 'id', id);
  if (!row) throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'user', id });
  await keepAnAdmin(db, row, changes);
  const set: Partial<UserRow> = {};
  if (changes.roles !== undefined) set.roles = JSON.stringify(changes.roles);
  if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
  if (changes.passwordHash !== undefined) {
    set.password_hash = changes.passwordHash;
    set.failed_logins = 0;
    set.locked_until = null;
  }
  await setUser(db, id, set);
  if (changes.disabled === true || changes.passwordHash !== undefined) await deleteUserSessions(db, id);
}

async function keepAnAdmin(db: Kysely<Database>, row: UserRow, changes: UserChanges): Promise<void> {
  const isAdmin = row.disabled === 0 && (JSON.parse(row.roles) as Role[]).includes('admin');
  if (!isAdmin) return;
  const losesRole = changes.roles !== undefined && !changes.roles.includes('admin');
  if (!losesRole && changes.disabled !== true) return;
  const others = (await enabledWith(db, 'admin')).filter((other) => other !== row.id);
  if (others.length > 0) return;
  const change = changes.disabled === true ? 'disabled' : 'stripped of the admin role';
  throw new ParleyError('PARLEY_E_LAST_ADMIN', {
    reason: `${row.name} is the last enabled admin and cannot be ${change}`,
  });
}
