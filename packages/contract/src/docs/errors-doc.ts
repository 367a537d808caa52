import { catalogue, errorCodes } from '../errors/catalogue.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/errors.md, generated from the catalogue (`npm run docs:gen`) and checked by a test. */
export function errorsMarkdown(): string {
  const rows = errorCodes.map((code) => {
    const e = catalogue[code];
    return `| \`${code}\` | ${e.status} | ${cell(e.message)} | ${cell(e.cause)} | ${cell(e.fix)} |`;
  });
  return [
    '# Errors',
    '',
    'Every failure that crosses a boundary — the link between nodes, the console API, the',
    'command line and the evidence verifier — carries one of these stable codes. The same',
    'code means the same thing everywhere. On the link and the API an error is sent as',
    '`{ "code", "message", "details" }` with the HTTP status below; the CLI prints',
    '`parley: CODE: message` (or the same object with `--json`) and exits 1 (2 for usage errors).',
    '',
    'This file is generated from `packages/contract/src/errors/catalogue.ts` by',
    '`npm run docs:gen`; a test fails if the two disagree. `{name}` in a message is filled',
    "from the error's details.",
    '',
    '| code | HTTP | message | cause | fix |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
