import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** The channel PostgreSQL notifies on when events are committed to the outbox. */
export const OUTBOX_CHANNEL = 'userpool_outbox';

/**
 * PostgreSQL: a statement that adds events to the outbox notifies OUTBOX_CHANNEL, delivered when
 * (and only if) its transaction commits, so delivery workers in every process (other nodes, or
 * a server beside a CLI's bulk resignation) look at once instead of at their next poll. A trigger
 * rather than a call beside each insert, so that every writer notifies, whichever code or tool
 * it is; once per statement, and PostgreSQL folds a transaction's equal notifications into one.
 * SQLite has no such thing: its workers watch the file's data_version instead (delivery/worker.ts).
 */
export function outboxNotify(dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`create function userpool_outbox_notify() returns trigger language plpgsql as $$
        begin
          perform pg_notify(${sql.lit(OUTBOX_CHANNEL)}, '');
          return null;
        end
      $$`.execute(db);
      await sql`create trigger event_outbox_notify after insert on event_outbox for each statement execute function userpool_outbox_notify()`.execute(db);
    },
  };
}
