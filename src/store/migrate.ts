import { Migrator } from 'kysely';
import type { DatabaseHandle } from './database.js';
import { allMigrations } from './migrations/index.js';

/** The migrator of our schema, with the table names it keeps its record in. */
export function schemaMigrator(handle: DatabaseHandle, masterKey?: Buffer): Migrator {
  return new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => allMigrations(handle.dialect, masterKey) },
    migrationTableName: 'userpool_migrations',
    migrationLockTableName: 'userpool_migrations_lock',
    // Numbers are handed out per feature and land in any order; each migration only adds its own tables.
    allowUnorderedMigrations: true,
  });
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateToLatest(handle: DatabaseHandle, masterKey?: Buffer): Promise<string[]> {
  const { error, results } = await schemaMigrator(handle, masterKey).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
