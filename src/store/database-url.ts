/**
 * What a DATABASE_URL names, read without the drivers: configuration checks it before the store is
 * loaded, so that a bad setting is reported without loading them.
 */

/** The file of a `sqlite:<path>` URL (`:memory:` for a database in memory), or undefined for PostgreSQL. */
export function sqliteFile(url: string): string | undefined {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined;
}

/** A SQLite database in memory: no other connection, thread or process can open it. */
export function isMemoryDatabase(url: string): boolean {
  return sqliteFile(url) === ':memory:';
}
