import { permissionNames, permissions } from './permissions.js';
import { roles } from './roles.js';

/** The permission × role table as Markdown; docs/api.md carries it verbatim (a test checks). */
export function roleTableMarkdown(): string {
  const head = `| permission | ${roles.join(' | ')} |`;
  const rule = `|---|${roles.map(() => ':-:').join('|')}|`;
  const rows = permissionNames.map((p) => {
    const allowed: readonly string[] = permissions[p];
    return `| \`${p}\` | ${roles.map((r) => (allowed.includes(r) ? '✓' : '')).join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
