// Each rule runs whichever module a caller happens to load first. This file imports only the
// service it exercises (plus the store for fixtures), so a rule that used to be registered as a
// side effect of importing another module would be skipped here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { insertPool } from '../src/store/pools.js';
import * as grantStore from '../src/store/authorizations.js';
import * as orgStore from '../src/store/organizations.js';
import * as deptStore from '../src/store/departments.js';
import { newId } from '../src/lib/ids.js';
import { nowIso } from '../src/store/values.js';
import { DEFAULT_POLICY, type Scope } from '../src/services/context.js';
import { createResources, updateResource } from '../src/services/resources.js';
import { createUsers } from '../src/services/users.js';
import { listUsers } from '../src/services/user-list.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
let handle: DatabaseHandle;
let scope: Scope;

beforeAll(async () => {
  database = await freshDatabase();
  handle = openDatabase(database.url);
  await migrateToLatest(handle);
  const pool = await insertPool(handle.db, `wiring-${randomBytes(3).toString('hex')}`);
  scope = { db: handle.db, dialect: handle.dialect, masterKey: randomBytes(32), policy: DEFAULT_POLICY, poolId: pool.id, actor: 'test', requestId: 'r1' };
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

async function department(): Promise<{ organizationCode: string; departmentId: string }> {
  const now = nowIso();
  const orgId = newId();
  const code = `org-${randomBytes(3).toString('hex')}`;
  await orgStore.insertOrganization(handle.db, { id: orgId, pool_id: scope.poolId, code, created_at: now, updated_at: now });
  const base = { pool_id: scope.poolId, organization_id: orgId, open_department_id: null, description: null, i18n: null, custom_data: '{}', is_virtual_node: 0, status: 1, created_at: now, updated_at: now };
  await deptStore.insertDepartment(handle.db, { ...base, id: orgId, parent_id: null, name: 'Root', code: null });
  const id = newId();
  await deptStore.insertDepartment(handle.db, { ...base, id, parent_id: orgId, name: 'Sales', code: `sales-${id.slice(0, 6)}` });
  return { organizationCode: code, departmentId: id };
}

describe('rules run without depending on which module was imported first', () => {
  it('a resource update trims the grants of an action it no longer defines, with only the resources service loaded', async () => {
    const [resource] = await createResources(scope, [{ code: `doc-${randomBytes(3).toString('hex')}`, type: 'DATA', actions: [{ name: 'read' }, { name: 'write' }] }] as never, undefined, false);
    const now = nowIso();
    const grant = {
      id: newId(), pool_id: scope.poolId, namespace: 'default', resource_id: resource.id, resource_code: resource.code, resource_type: 'DATA',
      target_type: 'USER' as const, target_id: newId(), user_id: null, actions: JSON.stringify(['read', 'write']), effect: 'ALLOW' as const, created_at: now, updated_at: now,
    };
    await grantStore.upsertGrants(handle.db, [grant]);
    // Control: the grant holds both actions before the update.
    expect(JSON.parse((await grantStore.grantsOfResource(handle.db, scope.poolId, resource.id))[0].actions)).toEqual(['read', 'write']);
    await updateResource(scope, { code: resource.code, actions: [{ name: 'read' }] } as never);
    const after = await grantStore.grantsOfResource(handle.db, scope.poolId, resource.id);
    expect(after.map((g) => JSON.parse(g.actions))).toEqual([['read']]);
  });

  it('create-user places the user in departmentIds, and list-users and the view see it, with only the user services loaded', async () => {
    const dept = await department();
    const [user] = await createUsers(scope, [{ username: `u_${randomBytes(3).toString('hex')}`, departmentIds: [dept.departmentId] }], {}, { withDepartmentIds: true } as never);
    expect(user.departmentIds).toEqual([dept.departmentId]);
    const listed = await listUsers(scope, { advancedFilter: [{ field: 'department', operator: 'IN', value: [dept] }], options: { withDepartmentIds: true } });
    expect(listed.list.map((u) => u.userId)).toEqual([user.userId]);
    expect(listed.list[0].departmentIds).toEqual([dept.departmentId]);
  });
});
