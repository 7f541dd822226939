import type { Kysely } from 'kysely';

/**
 * One row counting the commits that may change a token check (commit-watch.ts judges them). On
 * SQLite a process learns of other connections' commits through data_version, which moves for
 * every commit, the delivery thread's bookkeeping included; the count tells those that matter
 * from those that do not, so a process's cached token checks outlive its own delivery thread's
 * commits and not a CLI's resignation. PostgreSQL keeps the row but hears of writes through Redis.
 */
export function tokenCheckEpoch() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('token_check_epoch').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute();
      await db.insertInto('token_check_epoch').values({ id: 1, n: 0 }).execute();
    },
  };
}
