// A second process for the concurrency tests: opens the store named on the
// command line, migrates it, and appends `count` entries with appendOwn, all
// at once. Usage: node _append-worker.js '<store config JSON>' <author> <count>
import { channelRow, signNext, storedAt } from './_fixtures.js';
import { openStore } from './open-store.js';

const [config, author, count] = process.argv.slice(2);
const store = await openStore(JSON.parse(config!));
try {
  await store.migrate();
  await store.putChannel(channelRow());
  const appends = Array.from({ length: Number(count) }, () =>
    store.appendOwn(channelRow().id, author!, (head) => signNext(author!, head), storedAt),
  );
  await Promise.all(appends);
} finally {
  await store.close();
}
