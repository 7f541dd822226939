// list-users' department filter over a department with more members than SQLite binds in one
// statement (32 766): the filter must select them in the database, not bind one value per member.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { insertPool } from '../src/store/pools.js';
import * as orgStore from '../src/store/organizations.js';
import * as deptStore from '../src/store/departments.js';
import { newId } from '../src/lib/ids.js';
import { nowIso } from '../src/store/values.js';
import { DEFAULT_POLICY, type Scope } from '../src/services/context.js';
import { listUsers } from '../src/services/user-list.js';
import { seedUsers } from '../bench/seed.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const MEMBERS = 33_000;

let database: TestDatabase;
let handle: DatabaseHandle;
let scope: Scope;
let organizationCode: string;
let big: string;
let child: string;
let childMember: string;
let outsider: string;

async function department(orgId: string, parentId: string, name: string): Promise<string> {
  const now = nowIso();
  const id = newId();
  await deptStore.insertDepartment(handle.db, {
    id, pool_id: scope.poolId, organization_id: orgId, parent_id: parentId, name, code: `${name}-${id.slice(0, 6)}`, open_department_id: null,
    description: null, i18n: null, custom_data: '{}', is_virtual_node: 0, status: 1, created_at: now, updated_at: now,
  });
  return id;
}

/** Makes every user whose email ends in `suffix` a member of the department, in one statement. */
async function placeAll(departmentId: string, suffix: string): Promise<void> {
  await sql`
    insert into department_members (pool_id, department_id, user_id, is_leader, is_main_department, joined_at)
    select pool_id, ${departmentId}, id, 0, 0, created_at from users where pool_id = ${scope.poolId} and email like ${`%${suffix}`}`.execute(handle.db);
}

beforeAll(async () => {
  database = await freshDatabase();
  handle = openDatabase(database.url);
  await migrateToLatest(handle);
  const pool = await insertPool(handle.db, `members-${randomBytes(3).toString('hex')}`);
  scope = { db: handle.db, dialect: handle.dialect, masterKey: randomBytes(32), policy: DEFAULT_POLICY, poolId: pool.id, actor: 'test', requestId: 'r1' };

  const now = nowIso();
  const orgId = newId();
  organizationCode = `org-${randomBytes(3).toString('hex')}`;
  await orgStore.insertOrganization(handle.db, { id: orgId, pool_id: scope.poolId, code: organizationCode, created_at: now, updated_at: now });
  await deptStore.insertDepartment(handle.db, {
    id: orgId, pool_id: scope.poolId, organization_id: orgId, parent_id: null, name: 'Root', code: null, open_department_id: null,
    description: null, i18n: null, custom_data: '{}', is_virtual_node: 0, status: 1, created_at: now, updated_at: now,
  });
  big = await department(orgId, orgId, 'big');
  child = await department(orgId, big, 'child');

  const members = await seedUsers(handle.db, scope.poolId, MEMBERS);
  await placeAll(big, members[0].slice(members[0].indexOf('.')));
  const [inChild] = await seedUsers(handle.db, scope.poolId, 1);
  await placeAll(child, inChild.slice(inChild.indexOf('.')));
  const [outside] = await seedUsers(handle.db, scope.poolId, 1);
  const ids = await handle.db.selectFrom('users').select(['id', 'email']).where('email', 'in', [inChild, outside]).execute();
  childMember = ids.find((u) => u.email === inChild)!.id;
  outsider = ids.find((u) => u.email === outside)!.id;
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const filterOn = (departmentId: string, includeChildrenDepartments = false) => [
  { field: 'department', operator: 'IN', value: [{ organizationCode, departmentId, includeChildrenDepartments }] },
];

describe('list-users filtered on a department of more members than one statement can bind', () => {
  it('counts and pages every member of the department, and no one else', async () => {
    const first = await listUsers(scope, { advancedFilter: filterOn(big), options: { pagination: { page: 1, limit: 50 } } });
    expect(first.totalCount).toBe(MEMBERS);
    expect(first.list).toHaveLength(50);
    const last = await listUsers(scope, { advancedFilter: filterOn(big), options: { pagination: { page: MEMBERS / 50, limit: 50 } } });
    expect(last.list).toHaveLength(50);
    const seen = [...first.list, ...last.list].map((u) => u.userId);
    expect(new Set(seen).size).toBe(100);
    expect(seen).not.toContain(outsider);
    expect(seen).not.toContain(childMember);
  });

  it('takes the members of the sub-departments too when includeChildrenDepartments is set', async () => {
    const all = await listUsers(scope, { advancedFilter: filterOn(big, true), options: { pagination: { page: 1, limit: 10 } } });
    expect(all.totalCount).toBe(MEMBERS + 1);
    const found = await listUsers(scope, { advancedFilter: [...filterOn(big, true), { field: 'id', operator: 'EQUAL', value: childMember }] });
    expect(found.list.map((u) => u.userId)).toEqual([childMember]);
    const without = await listUsers(scope, { advancedFilter: [...filterOn(big), { field: 'id', operator: 'EQUAL', value: childMember }] });
    expect(without).toEqual({ list: [], totalCount: 0 });
  });

  it('narrows with the other filters: a user outside the department is not listed even when named', async () => {
    const named = await listUsers(scope, { advancedFilter: [...filterOn(big), { field: 'id', operator: 'IN', value: [outsider] }] });
    expect(named).toEqual({ list: [], totalCount: 0 });
    const alone = await listUsers(scope, { advancedFilter: [{ field: 'id', operator: 'IN', value: [outsider] }] });
    expect(alone.list.map((u) => u.userId)).toEqual([outsider]);
  });
});
