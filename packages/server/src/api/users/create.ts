import { createUserBody, userSchema } from '@parley/contract';
import { defineRoute } from '../define-route.js';

/** POST /users: an admin adds a user (the first admin comes from `parley user add`). */
export const createUserRoute = defineRoute({
  method: 'POST',
  url: '/users',
  summary: 'Add a user with roles and an initial password',
  permission: 'users.write',
  audit: 'users.create',
  status: 201,
  body: createUserBody,
  response: userSchema,
  prepare: ({ body, accounts }) => accounts.hashPassword(body.password),
  async handler({ body, prepared, accounts, audit }) {
    const user = await accounts.createUser({ name: body.name, roles: body.roles, passwordHash: prepared });
    audit.target = user.name;
    audit.details = { id: user.id, roles: user.roles };
    return user;
  },
});
