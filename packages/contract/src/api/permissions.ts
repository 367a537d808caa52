import { type Role, roles } from './roles.js';

const everyone = roles;

/**
 * Who may do what: each permission names the roles that hold it. Routes name
 * a permission; nothing else decides access. A user may act when any of its
 * roles is listed. docs/api.md's role table is checked against this one.
 */
export const permissions = {
  /** See and end one's own session. */
  'session.self': everyone,
  'users.read': ['admin'],
  'users.write': ['admin'],
  'audit.read': ['admin'],
  /** The watch floor, messages, engagements, commitments, incidents, notifications. */
  'messages.read': everyone,
  'messages.draft': ['operator'],
  'messages.release': ['releaser'],
  'messages.ack': ['operator'],
  'translations.work': ['translator'],
  /** Attach files to drafts (upload); reading them follows messages.read. */
  'attachments.write': ['operator'],
  /** Requests for calls and meetings, answers, meetings held and confirmed, readouts. */
  'engagements.write': ['operator'],
  /** Commitments: propose, agree, status updates. */
  'commitments.write': ['operator'],
  /** Incident reports and responses. */
  'incidents.write': ['operator'],
  /** Notifications in the charter's formats, and their acknowledgements. */
  'notifications.write': ['operator'],
  /** Suspend or resume a mechanism: a signed written notice from this party. */
  'mechanisms.write': ['admin'],
  /** Metrics, mechanisms and links boards. */
  'dashboards.read': everyone,
  /** Record explorer: verify, export evidence bundles. */
  'exports.read': ['analyst', 'admin'],
  'peers.read': everyone,
  'peers.write': ['admin'],
  'charter.read': everyone,
  'charter.write': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export const permissionNames = Object.keys(permissions) as Permission[];

/** True when any of `held` grants `permission`. */
export function can(held: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = permissions[permission];
  return held.some((role) => allowed.includes(role));
}

/** Every permission that `held` grants, in table order (sent to the console with the session). */
export function permissionsOf(held: readonly Role[]): Permission[] {
  return permissionNames.filter((p) => can(held, p));
}
