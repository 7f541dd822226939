import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { insertPool } from '../src/store/pools.js';
import { enqueueEvent } from '../src/services/outbox.js';

// A SQLite-only mechanism (PostgreSQL hears of writes through Redis), so it runs on SQLite files of
// its own in both runs of the suite.
let dir: string;
let here: DatabaseHandle;
let other: DatabaseHandle;
let poolId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'userpool-count-'));
  const url = `sqlite:${join(dir, 'userpool.db')}`;
  here = openDatabase(url, { checkpointThread: false });
  await migrateToLatest(here);
  other = openDatabase(url, { checkpointThread: false });
  poolId = (await insertPool(here.db, 'counted')).id;
});
afterAll(async () => {
  await other?.close();
  await here?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("what tells a SQLite process that another connection's commit may change a token check", () => {
  it('stays the same when another connection commits only bookkeeping (events, deliveries), and changes when it commits a write a check reads', async () => {
    const start = here.dataVersion!();
    expect(start).toBeTypeOf('number');
    // What a delivery thread commits: taking an event from the outbox.
    const eventId = await other.db.transaction().execute((trx) => enqueueEvent(trx, { poolId, requestId: null }, 'user:created', { userId: 'x' }));
    await other.db.updateTable('event_outbox').set({ delivered_at: new Date().toISOString() }).where('id', '=', eventId).execute();
    expect(here.dataVersion!()).toBe(start);
    // A write to a table a token check is judged to read (the pool's row), in a transaction and on its own.
    await other.db.transaction().execute((trx) => trx.updateTable('user_pools').set({ name: 'renamed' }).where('id', '=', poolId).execute());
    const afterTransaction = here.dataVersion!();
    expect(afterTransaction).not.toBe(start);
    await other.db.updateTable('user_pools').set({ name: 'renamed again' }).where('id', '=', poolId).execute();
    expect(here.dataVersion!()).not.toBe(afterTransaction);
  });

  it("stays the same when this connection's own relevant commit is followed by another connection's bookkeeping", async () => {
    here.dataVersion!();
    await here.db.updateTable('user_pools').set({ name: 'renamed here' }).where('id', '=', poolId).execute();
    const afterOwn = here.dataVersion!();
    const eventId = await other.db.transaction().execute((trx) => enqueueEvent(trx, { poolId, requestId: null }, 'user:created', { userId: 'y' }));
    await other.db.updateTable('event_outbox').set({ delivered_at: new Date().toISOString() }).where('id', '=', eventId).execute();
    expect(here.dataVersion!()).toBe(afterOwn);
  });

  it('is not read inside a transaction, whose snapshot would hide another connection\'s commit', async () => {
    await here.db.transaction().execute(async () => {
      expect(here.dataVersion!()).toBeUndefined();
    });
  });
});
