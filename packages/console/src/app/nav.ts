import type { Permission } from '@parley/contract';
import type { MessageKey } from '../i18n/translate.js';

export interface NavItem {
  path: string;
  label: MessageKey;
  permission: Permission;
}

/** The views, in the order of the navigation; a user sees those their permissions allow. */
export const navItems: NavItem[] = [
  { path: '/watch', label: 'nav.watch', permission: 'messages.read' },
  { path: '/compose', label: 'nav.compose', permission: 'messages.draft' },
  { path: '/release', label: 'nav.release', permission: 'messages.release' },
  { path: '/engagements', label: 'nav.engagements', permission: 'messages.read' },
  { path: '/readouts', label: 'nav.readouts', permission: 'messages.read' },
  { path: '/commitments', label: 'nav.commitments', permission: 'messages.read' },
  { path: '/incidents', label: 'nav.incidents', permission: 'messages.read' },
  { path: '/notifications', label: 'nav.notifications', permission: 'messages.read' },
  { path: '/mechanisms', label: 'nav.mechanisms', permission: 'dashboards.read' },
  { path: '/metrics', label: 'nav.metrics', permission: 'dashboards.read' },
  { path: '/record', label: 'nav.record', permission: 'exports.read' },
  { path: '/admin/users', label: 'nav.users', permission: 'users.read' },
  { path: '/admin/audit', label: 'nav.audit', permission: 'audit.read' },
];
