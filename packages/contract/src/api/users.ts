import { z } from 'zod';
import { isoTime } from '../entries/common.js';
import { limits } from '../limits.js';
import { roleSchema } from './roles.js';

export const userNameSchema = z
  .string()
  .regex(limits.userName, 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

export const passwordSchema = z
  .string()
  .min(limits.passwordMinChars, `must be at least ${limits.passwordMinChars} characters`)
  .max(limits.passwordMaxChars, `must be at most ${limits.passwordMaxChars} characters`);

export const roleListSchema = z
  .array(roleSchema)
  .min(1, 'must name at least one role')
  .max(5)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a role');

/** A console user as the API shows it (never its password hash). */
export const userSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    roles: z.array(roleSchema),
    disabled: z.boolean(),
    /** Set while too many failed sign-ins keep the account locked. */
    lockedUntil: isoTime.nullable(),
    createdAt: isoTime,
  })
  .meta({ id: 'User' });

export type User = z.infer<typeof userSchema>;

/** POST /api/v1/users */
export const createUserBody = z.strictObject({ name: userNameSchema, roles: roleListSchema, password: passwordSchema });

export type CreateUser = z.infer<typeof createUserBody>;

/** PATCH /api/v1/users/:id — any of roles, disabled, a new password (which also ends the lockout and every session). */
export const updateUserBody = z
  .strictObject({
    roles: roleListSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of roles, disabled, password');

export type UpdateUser = z.infer<typeof updateUserBody>;

export const userIdParams = z.strictObject({ id: z.uuid({ error: 'must be a user id (UUID)' }) });

export const userListSchema = z.object({ users: z.array(userSchema) });
