import { randomBytes } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { dueDeliveries, undispatchedEvents } from '../src/store/deliveries.js';
import { freshDatabase, TEST_DB, type TestDatabase } from './helpers/database.js';

// The worker's two queue reads run at every visit under a backlog of thousands: each must read its
// rows in the order of an index and stop at the limit. Were it to sort, every take would read the
// whole backlog (on PostgreSQL the old outbox index did that: tens of milliseconds per take).
let database: TestDatabase;
let handle: DatabaseHandle;
beforeAll(async () => {
  database = await freshDatabase();
  handle = openDatabase(database.url);
  await migrateToLatest(handle, randomBytes(32));
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

/** The plan's lines: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN with sorting made as costly as the planner allows. */
async function plan(query: CompiledQuery): Promise<string> {
  if (TEST_DB === 'sqlite') {
    const rows = await handle.db.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` });
    return rows.rows.map((r) => r.detail).join('\n');
  }
  return handle.db.connection().execute(async (db) => {
    // With sorts and sequential scans priced out, a plan that still sorts has no index to read in order.
    await sql`set enable_sort = off`.execute(db);
    await sql`set enable_seqscan = off`.execute(db);
    const rows = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `explain ${query.sql}` });
    await sql`reset enable_sort`.execute(db);
    await sql`reset enable_seqscan`.execute(db);
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

const sorts = (text: string) => (TEST_DB === 'sqlite' ? /TEMP B-TREE/.test(text) : /\bSort\b/.test(text));

describe('the delivery queue reads', () => {
  it('take outbox events in the order of the pending-event index, without sorting the backlog', async () => {
    const text = await plan(undispatchedEvents(handle.db, handle.dialect, 64).compile());
    expect(text).toMatch(/event_outbox_pending_idx/);
    expect(sorts(text)).toBe(false);
  });

  it('claim due deliveries in the order of the pending-delivery index, without sorting', async () => {
    const text = await plan(dueDeliveries(handle.db, handle.dialect, new Date().toISOString(), 64).compile());
    expect(text).toMatch(/deliveries_pending_idx/);
    expect(sorts(text)).toBe(false);
  });
});
