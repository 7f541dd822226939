import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { openDatabase, type DatabaseHandle, type Db } from '../src/store/database.js';
import { sql } from 'kysely';
import { TEST_DB } from './helpers/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { insertRows, precompiled } from '../src/store/precompiled.js';
import { findPoolByName, insertPool } from '../src/store/pools.js';

let database: TestDatabase;
let handle: DatabaseHandle;
beforeAll(async () => {
  database = await freshDatabase();
  handle = openDatabase(database.url);
  await migrateToLatest(handle);
  await insertPool(handle.db, 'first');
  await insertPool(handle.db, 'second');
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

describe('a precompiled query', () => {
  const byName = precompiled((db: Db, name: string) => db.selectFrom('user_pools').select(['id', 'name']).where('name', '=', name));

  it('answers for each call\'s own arguments, as the same query built afresh does', async () => {
    for (const name of ['first', 'second', 'first', 'missing']) {
      const rows = await byName(handle.db, name);
      const fresh = await findPoolByName(handle.db, name);
      expect(rows.map((r) => r.name)).toEqual(fresh ? [name] : []);
      expect(rows[0]?.id).toBe(fresh?.id);
    }
  });

  it('refuses an argument that shapes the query instead of being bound in it', async () => {
    const shaped = precompiled((db: Db, column: string) => db.selectFrom('user_pools').select('id').where(column as 'name', '=', 'first'));
    await expect(shaped(handle.db, 'name')).rejects.toThrow(/bound value/);
  });

  it('is prepared by name on PostgreSQL, once per connection, and survives a column added under it', async () => {
    // One connection, so that the statement list read below is the one the queries ran on.
    const single = openDatabase(database.url, { poolSize: 1 });
    try {
      const all = precompiled((db: Db, name: string) => db.selectFrom('user_pools').selectAll().where('name', '=', name));
      expect((await all(single.db, 'first'))[0]?.name).toBe('first');
      if (TEST_DB === 'postgres') {
        const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(single.db);
        expect(prepared.rows.filter((r) => r.statement.includes('"user_pools"') && r.name.startsWith('userpool_'))).toHaveLength(1);
      }
      // Another node adding a column changes what `select *` answers: PostgreSQL refuses the
      // statement prepared before ("cached plan must not change result type"); the query runs unnamed then.
      await sql`alter table user_pools add column extra_note text`.execute(single.db);
      const after = await all(single.db, 'first');
      expect(after[0]?.name).toBe('first');
      expect(after[0]).toHaveProperty('extra_note', null);
      expect((await all(single.db, 'second'))[0]?.name).toBe('second');
    } finally {
      await single.close();
    }
  });
});

describe('a multi-row insert compiled once per row count', () => {
  const pools = (names: string[], at: string) => names.map((name, i) => ({ id: `${name}-id`, name, created_at: `${at}.${i}` }));
  const stored = (names: string[]) =>
    handle.db.selectFrom('user_pools').select(['id', 'name']).where('name', 'in', names).orderBy('name').execute();
  const named = (rows: Array<{ id: string; name: string }>) => rows.map(({ id, name }) => ({ id, name }));

  it('stores each call\'s own rows, whether the statement for that many rows is new or reused, in a transaction or not', async () => {
    const calls = [['a1'], ['b1', 'b2', 'b3'], ['c1', 'c2', 'c3'], ['d1', 'd2']];
    for (const [n, names] of calls.entries()) {
      const rows = pools(names, `2026-01-0${n + 1}T00:00:00`);
      if (n === 2) await handle.db.transaction().execute((trx) => insertRows(trx, 'user_pools', rows));
      else await insertRows(handle.db, 'user_pools', rows);
      expect(await stored(names)).toEqual(named(rows));
    }
  });

  it('writes nothing for no rows, and nothing of a batch whose transaction rolled back', async () => {
    await insertRows(handle.db, 'user_pools', []);
    const rows = pools(['e1', 'e2', 'e3'], '2026-02-01T00:00:00');
    await expect(handle.db.transaction().execute(async (trx) => {
      await insertRows(trx, 'user_pools', rows);
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await stored(['e1', 'e2', 'e3'])).toEqual([]);
  });

  it('keeps each database\'s own statement: one compiled for another database first is not run here', async () => {
    // Another database (SQLite in memory) compiles the statement for two rows first; on
    // PostgreSQL its text (with ? placeholders) would fail if it were reused for the suite's database.
    const other = openDatabase('sqlite::memory:');
    try {
      await migrateToLatest(other);
      const first = pools(['f1', 'f2'], '2026-03-01T00:00:00');
      await insertRows(other.db, 'user_pools', first);
      const rows = pools(['g1', 'g2'], '2026-03-02T00:00:00');
      await insertRows(handle.db, 'user_pools', rows);
      expect(await stored(['g1', 'g2'])).toEqual(named(rows));
      expect(await other.db.selectFrom('user_pools').select(['id', 'name']).where('name', 'in', ['f1', 'f2']).orderBy('name').execute()).toEqual(named(first));
    } finally {
      await other.close();
    }
  });
});
