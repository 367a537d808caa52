/**
 * The one error catalogue. Every failure that crosses a boundary — the link,
 * the console API, the CLI, the evidence verifier — carries one of these
 * stable codes. docs/errors.md is checked against this table by a test.
 */
export interface ErrorSpec {
  /** HTTP status when the error crosses the link or the console API. */
  readonly status: number;
  /** Short summary; `{name}` placeholders are filled from the error's details. */
  readonly message: string;
  /** Why it happens. */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
}

export const catalogue = {
  // Canonical JSON
  PARLEY_E_JSON_SYNTAX: {
    status: 400,
    message: 'malformed JSON at offset {offset}: {reason}',
    cause: 'The input is not well-formed JSON (RFC 8259), or is not valid UTF-8.',
    fix: 'Send well-formed UTF-8 JSON. If a peer sent it, it is faulty or hostile; nothing was stored.',
  },
  PARLEY_E_JSON_DUPLICATE_KEY: {
    status: 400,
    message: 'duplicate key "{key}" at offset {offset}',
    cause: 'An object names the same member twice; JSON parsers disagree on which wins, so Parley refuses it.',
    fix: 'Remove the duplicate member.',
  },
  PARLEY_E_JSON_LONE_SURROGATE: {
    status: 400,
    message: 'lone UTF-16 surrogate in a string at {where}',
    cause: 'A string holds half of a surrogate pair; it has no canonical (RFC 8785) form.',
    fix: 'Encode text as valid Unicode.',
  },
  PARLEY_E_JSON_NUMBER: {
    status: 400,
    message: 'number not representable canonically at {where}: {reason}',
    cause: 'NaN, Infinity, or a literal outside the IEEE 754 double range has no RFC 8785 form.',
    fix: 'Use finite numbers within the double range; send large or exact values as strings.',
  },
  PARLEY_E_JSON_VALUE: {
    status: 400,
    message: 'value cannot be canonicalised at {where}: {reason}',
    cause: 'Only null, booleans, finite numbers, strings, arrays and plain objects have a canonical form.',
    fix: 'Pass plain JSON data.',
  },
  PARLEY_E_JSON_DEPTH: {
    status: 400,
    message: 'JSON nested deeper than {limit} levels',
    cause: 'Deep nesting is refused to protect the parser.',
    fix: 'Flatten the structure.',
  },
  PARLEY_E_ENCODING: {
    status: 400,
    message: 'bad {what} encoding: {reason}',
    cause: 'A base64url, base64 or hex field has the wrong alphabet, padding or length.',
    fix: 'base64url is RFC 4648 section 5 without padding; hashes are 32 bytes, signatures 64, keys 32.',
  },

  // Entries and feeds
  PARLEY_E_HEADER: {
    status: 400,
    message: 'invalid entry header: {reason}',
    cause: 'A header field is missing, extra, or of the wrong form (see DESIGN.md, "Entry").',
    fix: 'Build headers exactly as docs/protocol.md describes.',
  },
  PARLEY_E_BAD_SIGNATURE: {
    status: 400,
    message: 'signature of {author} seq {seq} does not verify',
    cause: 'The entry was changed after signing, or was signed with a different key than the header names.',
    fix: 'Nothing to fix on the receiving side: the entry is refused. If you authored it, check your key files.',
  },
  PARLEY_E_KEY_NOT_VALID: {
    status: 400,
    message: 'key {key} is not valid for {author} at seq {seq}',
    cause:
      'The header names a key that the key history (charter, key-rotate entries) does not give this author at this seq.',
    fix: 'Sign with the key in force; after a key-rotate at seq n the new key signs from n + 1.',
  },
  PARLEY_E_UNKNOWN_AUTHOR: {
    status: 403,
    message: 'author {author} is not a member of channel {channel}',
    cause: 'Only members named in the charter write feeds in a channel.',
    fix: 'Check the channel membership; a party is added by a charter amendment.',
  },
  PARLEY_E_WRONG_CHANNEL: {
    status: 400,
    message: 'entry belongs to channel {got}, expected {expected}',
    cause: "The header's channel field differs from the channel it was sent or bundled under.",
    fix: 'Send each entry under its own channel.',
  },
  PARLEY_E_GAP: {
    status: 409,
    message: 'gap in feed {author}: expected seq {expected}, got {got}',
    cause: 'Entries of a feed must arrive contiguously: seq n + 1 after n.',
    fix: "Resume from the receiver's head (it is in the error details) and send in order.",
  },
  PARLEY_E_PREV_MISMATCH: {
    status: 400,
    message: 'prev of {author} seq {seq} does not name the entry at seq {prevSeq}',
    cause: "The prev field must be the id of the feed's previous entry (null at seq 1).",
    fix: "Nothing on the receiving side; if the author's own store disagrees, restore it from a backup of the feed.",
  },
  PARLEY_E_OWN_FEED_BEHIND: {
    status: 503,
    message:
      'own feed {author} in channel {channel} is at seq {held}, but {member} names seq {claimed}: catching up before signing',
    cause:
      "An entry of another member names more of this node's own feed than the node holds: it was restored from an older copy. Signing now would fork its feed, so it signs nothing in the channel (no receipt, no message) until it has pulled its own entries back.",
    fix: 'Retry shortly: the node pulls its own feed from its peers within a few heartbeats. A claim the member does not back within a minute is disbelieved, and the node signs again.',
  },
  PARLEY_E_TIME_REGRESSION: {
    status: 400,
    message: 'time of {author} seq {seq} ({time}) is earlier than seq {prevSeq} ({prevTime})',
    cause: 'Entry times in one feed never go backwards.',
    fix: "Check the author's clock; entries are stamped from a monotonic clock.",
  },
  PARLEY_E_FUTURE_TIME: {
    status: 400,
    message: 'time of {author} seq {seq} is {aheadMs} ms ahead of the local clock (allowance {allowanceMs} ms)',
    cause:
      "The author's clock is ahead of ours by more than the charter's skew allowance. This is flagged, not silently taken.",
    fix: 'Compare clocks on both sides (parley status shows the measured offset) and correct the wrong one.',
  },
  PARLEY_E_BODY_MISSING: {
    status: 400,
    message: 'body of {author} seq {seq} is missing',
    cause: 'On the link every entry travels with its body; only evidence bundles may withhold bodies.',
    fix: 'Send the body with the entry.',
  },
  PARLEY_E_BODY_HASH: {
    status: 400,
    message: "body of {author} seq {seq} does not match the header's body hash",
    cause: 'The body was altered, or canonicalised differently from RFC 8785.',
    fix: 'Send the body exactly as signed; canonical bytes are JCS(body).',
  },
  PARLEY_E_SCHEMA: {
    status: 400,
    message: 'body of type {type} fails its schema at {path}: {reason}',
    cause: 'Each entry type has one schema in @parley/contract; the body does not follow it.',
    fix: 'Correct the named field. Types and fields are listed in docs/protocol.md.',
  },
  PARLEY_E_OVERSIZE: {
    status: 413,
    message: '{what} is {size} bytes, over the limit of {limit}',
    cause: 'Limits in @parley/contract bound every entry, body, field and request.',
    fix: 'Shorten it, or send large content as a hash-addressed attachment.',
  },
  PARLEY_E_FORK: {
    status: 409,
    message: 'fork: {author} signed two different entries at seq {seq}',
    cause: 'Two valid entries with the same author and seq but different ids: proof that the author equivocated.',
    fix: 'The second entry is not stored; the fork proof is kept as evidence and raised as an alarm. Export it and escalate.',
  },
  PARLEY_E_UNKNOWN_CHANNEL: {
    status: 404,
    message: 'unknown channel {channel}',
    cause: 'This node holds no channel with that id.',
    fix: 'Check the channel id (parley status lists channels).',
  },
  PARLEY_E_TIMEOUT: {
    status: 408,
    message: 'timed out: {reason}',
    cause:
      'A request body arrived slower than the server allows (a slow-body defence), or a peer did not answer in time.',
    fix: 'Send requests promptly; check the network path if honest requests time out.',
  },
  PARLEY_E_RATE_LIMIT: {
    status: 429,
    message: 'rate limit exceeded: {reason}',
    cause: 'The sender exceeded the request or byte rate allowed on this connection.',
    fix: 'Back off and retry; honest nodes batch under backlog.',
  },

  // Keys, cards, charters
  PARLEY_E_KEY_HISTORY: {
    status: 400,
    message: 'key history of {party} is invalid: {reason}',
    cause:
      'Key ranges must start at seq 1 with the charter key, be contiguous, and each change must be backed by a key-rotate entry.',
    fix: 'Export the key-rotate entries with the bundle, or correct the keys section.',
  },
  PARLEY_E_CHARTER: {
    status: 400,
    message: 'charter is invalid: {reason}',
    cause: "The charter fails its schema, a member's signature is missing or wrong, or the channel id is not its hash.",
    fix: 'Use the charter exactly as every member signed it.',
  },
  PARLEY_E_CARD: {
    status: 400,
    message: 'peer card is invalid: {reason}',
    cause: 'The card fails its schema: a field is missing, extra or of the wrong form (DESIGN.md, "Words").',
    fix: 'Pin the card exactly as `parley peer card` printed it on the peer; the reason names the field.',
  },
  PARLEY_E_CARD_SIGNATURE: {
    status: 400,
    message: 'peer card of {party} is not signed by the key it names',
    cause: 'The card was changed after it was signed, or was signed with another key than its `key` field.',
    fix: 'Do not pin it. Get the card again over a channel you trust and compare its key with the peer by voice.',
  },
  PARLEY_E_CARD_CERT: {
    status: 400,
    message: 'TLS certificate in the peer card of {party} is unusable: {reason}',
    cause:
      "The certificate does not parse, its SHA-256 differs from the card's fingerprint, it is not a self-signed end-entity (CA:FALSE) certificate for the party with an ECDSA P-256 key, or it is outside its validity period.",
    fix: 'Ask the peer for a fresh card (`parley peer card`); an expired certificate needs new TLS keys on the peer.',
  },
  PARLEY_E_TLS_PIN: {
    status: 403,
    message: 'TLS certificate of {peer} does not match its pin: {reason}',
    cause:
      'The other end of a link presented a certificate whose SHA-256 is not the fingerprint pinned from its peer card, or a pin was given a certificate that is not the one its fingerprint names.',
    fix: 'If the peer renewed its TLS keys, pin its new card (`parley peer add`); otherwise something else answers at that address: do not talk to it.',
  },
  PARLEY_E_KEY_EXISTS: {
    status: 409,
    message: 'key file {path} already exists',
    cause: 'Parley never overwrites keys: replacing the identity key would cut the party off from its own feeds.',
    fix: 'Use another --dir, or move the old key files away yourself if you mean to replace them.',
  },
  PARLEY_E_KEY_PERMISSIONS: {
    status: 500,
    message: 'key file {path} has mode {mode}: group and others must have no access',
    cause: 'Like ssh, Parley refuses private keys that other users of the machine could read or change.',
    fix: 'Run `chmod 600` on the file, and consider whether the key was exposed while it was readable.',
  },
  PARLEY_E_KEY_FILE: {
    status: 500,
    message: 'key file {path} is unusable: {reason}',
    cause:
      'A key or certificate file in the data directory is missing, not PEM, of the wrong kind, or does not match its pair.',
    fix: 'Restore the data directory from a backup; `parley init` creates these files.',
  },

  // Merkle trees, checkpoints, notes
  PARLEY_E_MERKLE_PROOF: {
    status: 400,
    message: 'Merkle {kind} proof does not verify: {reason}',
    cause: 'The proof does not tie the leaf or the smaller tree to the given root.',
    fix: 'Request a fresh proof for the sizes in question.',
  },
  PARLEY_E_NOTE: {
    status: 400,
    message: 'malformed signed note: {reason}',
    cause: 'The text is not a C2SP signed note (c2sp.org/signed-note) or checkpoint (c2sp.org/tlog-checkpoint).',
    fix: 'Notes are the text, a blank line, then one "— <name> <base64 signature>" line per signature.',
  },
  PARLEY_E_NOTE_SIGNATURE: {
    status: 400,
    message: 'note is not signed by {name}',
    cause: 'No signature line from the expected key verifies over the note text.',
    fix: 'Check the verifier key (name+keyid+key) and that the note text was not altered.',
  },
  PARLEY_E_EQUIVOCATION: {
    status: 409,
    message: 'equivocation: two checkpoints of {origin} are not consistent',
    cause: 'The same signer published two tree heads that cannot both be prefixes of one append-only feed.',
    fix: 'Keep both checkpoints: together they prove the signer rewrote its feed. Export and escalate.',
  },

  // Evidence bundles
  PARLEY_E_BUNDLE_FORMAT: {
    status: 400,
    message: 'not a parley-evidence/1 bundle: {reason}',
    cause: 'The file does not follow the bundle schema (docs/evidence.schema.json).',
    fix: 'Check the named field against the schema.',
  },
  PARLEY_E_CLAIM: {
    status: 400,
    message: 'claim {index} ({kind}) is not proven: {reason}',
    cause: "The exporter asserted something that the bundle's entries, checkpoints and proofs do not establish.",
    fix: 'Treat the claim as unproven. Ask the exporter for a bundle with the missing entries or proofs.',
  },
  PARLEY_E_REQUEST_ANSWERED: {
    status: 409,
    message: '{party} answered request {request}: its seq {seq} ({type}, {time})',
    cause:
      "`parley export --prove-unanswered` found an answer to the request in the responder's feed before the deadline.",
    fix: 'There is no silence to prove. Export the answer instead (parley export --channel C --disclose request,request-accept,request-decline,request-counter).',
  },
  PARLEY_E_NOT_UNANSWERED_YET: {
    status: 409,
    message: 'request {request} is not unanswered yet: {reason}',
    cause:
      "Silence can be proven only after the request's deadline, once the responder's node has stored the request and written an entry after the deadline (or its checkpoint has been cosigned after it).",
    fix: 'Wait until the deadline has passed and the link has carried a later entry of the responder (a receipt or link-check answer), then export again.',
  },

  // Access
  PARLEY_E_UNAUTHENTICATED: {
    status: 401,
    message: 'not authenticated: {reason}',
    cause: 'The request carries no valid session or control token.',
    fix: 'Sign in (console) or run the CLI as the owner of the data directory (it reads control.token).',
  },
  PARLEY_E_FORBIDDEN: {
    status: 403,
    message: 'forbidden: {reason}',
    cause: 'The caller is authenticated but its role does not allow this action.',
    fix: 'Ask an admin for the role the action needs (see the role table in docs/api.md).',
  },
  PARLEY_E_CSRF: {
    status: 403,
    message: 'CSRF token {reason}',
    cause:
      "A console API request that changes something (POST, PATCH, DELETE) must echo the session's CSRF token in the x-csrf-token header; it was missing or wrong.",
    fix: 'Send the csrfToken returned by POST or GET /api/v1/session in the x-csrf-token header.',
  },
  PARLEY_E_ACCOUNT_LOCKED: {
    status: 423,
    message: 'account locked until {until} after {failures} failed sign-ins',
    cause: 'Too many wrong passwords in a row; the account refuses sign-ins for a while, even with the right password.',
    fix: 'Wait until the given time, or ask an admin to set a new password (which ends the lockout).',
  },
  PARLEY_E_LAST_ADMIN: {
    status: 409,
    message: 'refused: {reason}',
    cause: 'The change would leave the node without an enabled admin, and nobody could manage users again.',
    fix: 'Make another user admin first. `parley user add --role admin` on the node also creates one.',
  },

  // Console API
  PARLEY_E_INVALID_REQUEST: {
    status: 400,
    message: 'invalid request {part} at {path}: {reason}',
    cause: 'A console API request does not follow its schema (listed at /api/docs).',
    fix: 'Correct the named field.',
  },
  PARLEY_E_NOT_FOUND: {
    status: 404,
    message: 'no {what} {id}',
    cause: 'The request names something this node does not hold.',
    fix: 'Check the id; list what exists first.',
  },
  PARLEY_E_USER_EXISTS: {
    status: 409,
    message: 'a user named {name} already exists',
    cause: 'User names are unique on a node.',
    fix: 'Choose another name, or change the existing user (PATCH /api/v1/users/:id).',
  },

  // Hotline
  PARLEY_E_DRAFT_STATE: {
    status: 409,
    message: 'draft {draft} is {state}, not pending',
    cause: 'Only a pending draft can be released; another releaser released it first, or its release is being written.',
    fix: 'Reload the release queue. A draft stuck in "releasing" after a crash shows its state; nothing was sent twice.',
  },
  PARLEY_E_ATTACHMENT_UNKNOWN: {
    status: 409,
    message: 'attachment {sha256} is not stored on this node',
    cause: 'A message names an attachment by the SHA-256 of its bytes, and this node holds no blob with that hash.',
    fix: 'Upload the file first (POST /api/v1/attachments, or `parley send --attach FILE`), then name the hash it returned.',
  },
  PARLEY_E_ATTACHMENT_TYPE: {
    status: 415,
    message: 'attachment type {contentType} is not allowed (allowed: {allowed})',
    cause:
      'Attachments are limited to the media types in @parley/contract limits.attachmentTypes, none of which a browser runs.',
    fix: 'Send the file as one of the allowed types (a PDF or an image, for instance), or as application/octet-stream.',
  },
  PARLEY_E_ATTACHMENT_MISMATCH: {
    status: 422,
    message: 'attachment {sha256} does not match: {reason}',
    cause:
      'The bytes of an attachment must hash to the SHA-256 and have the size that the message names; on the link a peer sent other bytes, and on a send the description disagrees with the stored blob.',
    fix: 'On a send, describe the attachment as it was uploaded. From a peer, the blob was refused and an alarm raised: the peer is faulty or hostile.',
  },

  // Engagement rules
  PARLEY_E_RULE: {
    status: 409,
    message: '{type} refused: {reason}',
    cause:
      "The entry is well-formed but breaks the engagement rules as the record stands (answering a request that is already closed, answering one's own request, a slot that was not proposed, a mechanism the charter does not name…). Nothing was signed. A peer's entry that breaks them is stored anyway and flagged.",
    fix: 'Read the request, meeting, commitment or notification as it stands now (GET /api/v1/engagements…) and write the entry its state allows.',
  },

  // Generic
  PARLEY_E_USAGE: {
    status: 400,
    message: '{reason}',
    cause: 'A command or request was called with missing or wrong arguments.',
    fix: 'See `parley help` or the API documentation at /api/docs.',
  },
  PARLEY_E_STOPPING: {
    status: 503,
    message: 'the node is stopping: {what} was not written',
    cause:
      "parley serve was stopped while this write waited for the peers' first heartbeats (at its start a node signs nothing of its own until it has heard how much of its feed they hold). Nothing was signed.",
    fix: 'Send it again once the node serves.',
  },
  PARLEY_E_IO: {
    status: 500,
    message: 'cannot {op} {path}: {reason}',
    cause: 'A file could not be read or written.',
    fix: 'Check the path, its permissions and the free space.',
  },
  PARLEY_E_INTERNAL: {
    status: 500,
    message: 'internal error',
    cause: "A bug: something Parley did not expect. Details are in the node's log, not in the answer.",
    fix: 'Report it with the log lines around the time of the error.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof catalogue;

export const errorCodes = Object.keys(catalogue) as ErrorCode[];
