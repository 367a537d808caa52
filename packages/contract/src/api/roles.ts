import { z } from 'zod';

/** The console's roles (DESIGN.md, "Operating a node"). A user holds one or more. */
export const roles = ['operator', 'releaser', 'translator', 'analyst', 'admin'] as const;

export type Role = (typeof roles)[number];

/** What each role is for, in the words of DESIGN.md; docs/api.md shows the same. */
export const roleSummaries: Readonly<Record<Role, string>> = {
  operator: 'drafts messages and acknowledges received ones',
  releaser: 'releases what others drafted (two-person release; emergency single-person release is flagged)',
  translator: 'adds working translations of received messages',
  analyst: 'read-only: dashboards and exports',
  admin: 'users, peers, charter; reads the audit log',
};

export const roleSchema = z.enum(roles, { error: `must be one of ${roles.join(', ')}` });
