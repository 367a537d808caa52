import { z } from 'zod';
import { errorCodes } from '../errors/catalogue.js';

/** Every failure of the console API: a catalogued code, its filled-in message, and the details it was made from. */
export const apiErrorSchema = z
  .object({
    code: z.enum(errorCodes as [string, ...string[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ApiError', description: 'A catalogued error (docs/errors.md).' });
