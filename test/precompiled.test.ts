import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { openDatabase, type DatabaseHandle, type Db } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { precompiled } from '../src/store/precompiled.js';
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
});
