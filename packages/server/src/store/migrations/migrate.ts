import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import type { Database } from '../database.js';
import { initial } from './0001-initial.js';
import { accounts } from './0002-accounts.js';
import { hotline } from './0003-hotline.js';
import { attachments } from './0004-attachments.js';
import { messageSerials } from './0005-message-serials.js';
import { attachmentWanted } from './0006-attachment-wanted.js';
import { messageSettled } from './0007-message-settled.js';

/** Every migration, by number. Append only: an applied migration is never edited. */
function migrations(caps: Capabilities): Record<string, Migration> {
  return {
    '0001-initial': initial(caps),
    '0002-accounts': accounts(caps),
    '0003-hotline': hotline(),
    '0004-attachments': attachments(),
    '0005-message-serials': messageSerials(),
    '0006-attachment-wanted': attachmentWanted(),
    '0007-message-settled': messageSettled(),
  };
}

class InCodeProvider implements MigrationProvider {
  readonly #caps: Capabilities;

  constructor(caps: Capabilities) {
    this.#caps = caps;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.#caps);
  }
}

/**
 * Applies the migrations not yet applied, each in its own transaction. Two
 * processes may call it at once: on PostgreSQL Kysely's migrator holds an
 * advisory lock while it runs, so the second waits and then finds nothing to do.
 */
export async function migrateToLatest(db: Kysely<Database>, caps: Capabilities): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new InCodeProvider(caps),
    ...(caps.migrationSchema ? { migrationTableSchema: caps.migrationSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
