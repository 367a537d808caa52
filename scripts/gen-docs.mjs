#!/usr/bin/env node
// Writes the generated docs from the built contract: docs/errors.md and
// docs/evidence.schema.json. Tests fail when they drift from the code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { errorsMarkdown, evidenceJsonSchema } from '@parley/contract';

mkdirSync('docs', { recursive: true });
writeFileSync('docs/errors.md', errorsMarkdown());
writeFileSync('docs/evidence.schema.json', `${JSON.stringify(evidenceJsonSchema(), null, 2)}\n`);
console.log('wrote docs/errors.md and docs/evidence.schema.json');
