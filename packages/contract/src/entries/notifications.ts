/** Bodies of notifications in a charter-defined fixed format, and their acknowledgements. */
import { z } from 'zod';
import { entryId, jsonObject, languageTag, shortText, slugId } from './common.js';

/** `data` follows the JSON Schema of the charter's format `format`; that check is the rules' job. */
export const notificationBody = z.strictObject({ format: slugId, data: jsonObject, language: languageTag });

export const notificationAckBody = z.strictObject({ notification: entryId, by: shortText });
