import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { catalogue, errorCodes } from '../errors/catalogue.js';
import { errorsMarkdown } from './errors-doc.js';
import { evidenceJsonSchema } from './evidence-schema.js';

const docs = new URL('../../../../docs/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, docs), 'utf8');

describe('generated docs', () => {
  it('docs/errors.md lists every catalogued code with its status, cause and fix (npm run docs:gen)', () => {
    assert.equal(read('errors.md'), errorsMarkdown());
    for (const code of errorCodes)
      assert.ok(read('errors.md').includes(`| \`${code}\` | ${catalogue[code].status} |`), code);
  });

  it('docs/evidence.schema.json is the schema the verifier uses (npm run docs:gen)', () => {
    assert.deepEqual(JSON.parse(read('evidence.schema.json')), evidenceJsonSchema());
  });

  it('every code is stable in form and has a cause and a fix', () => {
    for (const code of errorCodes) {
      assert.match(code, /^PARLEY_E_[A-Z_]+$/);
      const e = catalogue[code];
      assert.ok(e.cause.length > 10 && e.fix.length > 5, code);
      assert.ok(e.status >= 400 && e.status < 600, code);
    }
  });
});
