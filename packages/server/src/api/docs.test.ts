import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { roleTableMarkdown } from '@parley/contract';
import { apiRoutes } from './routes.js';

const doc = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');

describe('docs/api.md', () => {
  it("carries the contract's permission table verbatim", () => {
    assert.ok(doc.includes(`${roleTableMarkdown()}\n`), `paste this table into docs/api.md:\n${roleTableMarkdown()}`);
  });

  it('lists every route with its permission and audit action', () => {
    for (const def of apiRoutes({ secureCookie: false })) {
      const permission = def.permission === 'public' ? '(none)' : `\`${def.permission}\``;
      const row = `| ${def.method} | /api/v1${def.url} | ${permission} |`;
      const line = doc.split('\n').find((l) => l.startsWith(row));
      assert.ok(line, `docs/api.md lacks the row ${row}`);
      if (def.audit) assert.ok(line.includes(`\`${def.audit}\``), `${row} names the audit action ${def.audit}`);
    }
  });
});
