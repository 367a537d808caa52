import { updateUserBody, userIdParams, userSchema } from '@parley/contract';
import { defineRoute } from '../define-route.js';

/** PATCH /users/:id: roles, disabled, or a password reset (which is audited as such, never its value). */
export const updateUserRoute = defineRoute({
  method: 'PATCH',
  url: '/users/:id',
  summary: 'Change roles, disable or enable, or reset the password (ends the lockout and every session)',
  permission: 'users.write',
  audit: 'users.update',
  params: userIdParams,
  body: updateUserBody,
  response: userSchema,
  prepare: async ({ body, accounts }) =>
    body.password === undefined ? undefined : await accounts.hashPassword(body.password),
  async handler({ params, body, prepared, accounts, audit }) {
    const { password, ...changes } = body;
    const user = await accounts.updateUser(params.id, { ...changes, ...(prepared ? { passwordHash: prepared } : {}) });
    audit.target = user.name;
    audit.details = { id: user.id, ...changes, ...(password !== undefined ? { passwordReset: true } : {}) };
    return user;
  },
});
