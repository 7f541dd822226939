import type { Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { schemaMigrator } from '../../src/store/migrate.js';
import { freshDatabase } from './database.js';

/**
 * For a test of a migration: a database of its own with the schema as it stood after `migration`,
 * handed to `body` to fill with rows of that time (through `db`, untyped, as today's schema types
 * no longer describe them) before it runs the rest; the database is dropped afterwards.
 */
export async function atMigration(
  migration: string,
  body: (handle: DatabaseHandle, db: Kysely<any>) => Promise<void>,
  masterKey?: Buffer,
): Promise<void> {
  const database = await freshDatabase();
  const handle = openDatabase(database.url);
  try {
    const { error } = await schemaMigrator(handle, masterKey).migrateTo(migration);
    if (error) throw error;
    await body(handle, handle.db as unknown as Kysely<any>);
  } finally {
    await handle.close();
    await database.drop();
  }
}
