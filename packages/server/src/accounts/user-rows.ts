import type { Role, User } from '@parley/contract';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../store/database.js';

export type UserRow = Selectable<UsersTable>;
type Db = Kysely<Database>;

/** The API's view of a row; a lock that has run out shows as none. */
export function toUser(row: UserRow, now: string): User {
  return {
    id: row.id,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    disabled: row.disabled === 1,
    lockedUntil: row.locked_until !== null && row.locked_until > now ? row.locked_until : null,
    createdAt: row.created_at,
  };
}

/** Inserts a user unless the name is taken; true when inserted. */
export async function insertUser(db: Db, row: UserRow): Promise<boolean> {
  const result = await db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function userBy(db: Db, column: 'id' | 'name', value: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where(column, '=', value).executeTakeFirst();
}

export function allUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('name').execute();
}

export async function setUser(db: Db, id: string, changes: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

/** One more wrong password; returns the count so far. */
export async function countFailure(db: Db, id: string): Promise<number> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', id)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  return row.failed_logins;
}

/** Ids of the enabled users holding `role`. */
export async function enabledWith(db: Db, role: Role): Promise<string[]> {
  const rows = await db.selectFrom('users').select(['id', 'roles']).where('disabled', '=', 0).execute();
  return rows.filter((r) => (JSON.parse(r.roles) as Role[]).includes(role)).map((r) => r.id);
}
