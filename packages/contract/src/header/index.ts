export {
  b64url32Schema,
  b64url64Schema,
  type EntryHeader,
  entryHeaderSchema,
  entryTypeNameSchema,
  type Head,
  headSchema,
  isoTimeSchema,
  partyIdSchema,
  seqSchema,
  signedEntrySchema,
} from './header.js';
