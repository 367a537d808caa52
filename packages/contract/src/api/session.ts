import { z } from 'zod';
import { isoTime } from '../entries/common.js';
import { limits } from '../limits.js';
import { permissionNames } from './permissions.js';
import { userSchema } from './users.js';

/** POST /api/v1/session. Names are not checked for form here: a wrong name is just a failed sign-in. */
export const loginBody = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(64),
  password: z.string().min(1, 'must not be empty').max(limits.passwordMaxChars),
});

export type Login = z.infer<typeof loginBody>;

/** The signed-in session: who, what they may do, and the CSRF token every non-GET request must echo. */
export const sessionSchema = z
  .object({
    user: userSchema,
    permissions: z.array(z.enum(permissionNames as [string, ...string[]])),
    /** Send as header `x-csrf-token` on every POST, PATCH and DELETE. */
    csrfToken: z.string(),
    /** The session ends at this time whatever happens. */
    expiresAt: isoTime,
    /** …and earlier after this many seconds without a request. */
    idleTimeoutSeconds: z.number().int(),
  })
  .meta({ id: 'Session' });

export type Session = z.infer<typeof sessionSchema>;

export const loggedOutSchema = z.object({ ok: z.literal(true) });
