import { can, ParleyError, type Permission, type Role, roles } from '@parley/contract';
import { Prepared } from '../store/prepared.js';
import type { Store } from '../store/store.js';
import { databaseOf } from './hotline-db.js';

/** A person acting on the hotline: the user's name as recorded in entries, and the roles held now. */
export interface Person {
  user: string;
  roles: readonly Role[];
}

/** Throws PARLEY_E_FORBIDDEN naming the roles needed unless `person` holds one that grants `permission`. */
export function requirePermission(person: Person, permission: Permission, what: string): void {
  if (can(person.roles, permission)) return;
  const needed = roles.filter((r) => can([r], permission)).join(' or ');
  throw new ParleyError('PARLEY_E_FORBIDDEN', {
    reason: `${person.user} may not ${what}: that needs the ${needed} role (holds ${person.roles.join(', ') || 'none'})`,
  });
}

/**
 * The person named `name`, with the roles the node's users table gives. A
 * node with no users yet (before the first `parley user add`) has nobody to
 * ask: its command line then acts with every role, and `provisional` says so.
 * Once users exist, an unknown or disabled name gets no roles.
 */
export async function personNamed(store: Store, name: string): Promise<Person & { provisional: boolean }> {
  const db = databaseOf(store);
  const row = await userRoles.first(db, { name });
  if (row) return { user: name, roles: row.disabled ? [] : (JSON.parse(row.roles) as Role[]), provisional: false };
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return { user: name, roles: any ? [] : [...roles], provisional: !any };
}

/** Asked on every submission: prepared once (store/prepared.ts). */
const userRoles = new Prepared((db, [p]: readonly { name: string }[]) =>
  db.selectFrom('users').select(['roles', 'disabled']).where('name', '=', p!.name),
);

/** Like personNamed, but refuses a name that is not an enabled user (once the node has users). */
export async function actingPerson(store: Store, name: string): Promise<Person & { provisional: boolean }> {
  const person = await personNamed(store, name);
  if (person.roles.length === 0)
    throw new ParleyError('PARLEY_E_FORBIDDEN', { reason: `${name} is not an enabled user of this node` });
  return person;
}
