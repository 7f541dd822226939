import type { Tx } from './database.js';
import type { Database } from './schema.js';
import type { Insertable } from 'kysely';

export type OutboxRow = Insertable<Database['event_outbox']>;

/** Queued events, written in the transaction of the change they announce. */
export async function insertEvents(trx: Tx, rows: OutboxRow[]): Promise<void> {
  if (rows.length) await trx.insertInto('event_outbox').values(rows).execute();
}
