// For the read-only file test: opens the SQLite file on the command line (no
// migration), reads the head, tries one appendOwn and prints what happened as
// JSON. Usage: node _try-append-worker.js <file>
import { isParleyError } from '@parley/contract';
import { channel, signNext, storedAt } from './_fixtures.js';
import { openStore } from './open-store.js';

const store = await openStore({ sqlitePath: process.argv[2]! });
try {
  const head = await store.head(channel, 'us-js');
  const outcome = await store
    .appendOwn(channel, 'us-js', (h) => signNext('us-js', h), storedAt)
    .then(
      () => ({ appended: true }),
      (error: unknown) => (isParleyError(error) ? error.toJSON() : { unexpected: String(error) }),
    );
  console.log(JSON.stringify({ head, outcome }));
} finally {
  await store.close();
}
