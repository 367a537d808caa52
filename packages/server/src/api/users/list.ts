import { userListSchema } from '@parley/contract';
import { defineRoute } from '../define-route.js';

/** GET /users */
export const listUsersRoute = defineRoute({
  method: 'GET',
  url: '/users',
  summary: 'Every console user, by name',
  permission: 'users.read',
  response: userListSchema,
  async handler({ accounts }) {
    return { users: await accounts.listUsers() };
  },
});
