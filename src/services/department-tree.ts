import { isUniqueViolation, type Tx } from '../store/database.js';
import * as orgStore from '../store/organizations.js';
import * as deptStore from '../store/departments.js';
import type { DepartmentRow } from '../store/departments.js';
import type { UserRow } from '../store/users.js';
import { newId } from '../lib/ids.js';
import { nowIso, toBool } from '../store/values.js';
import { departmentErrors } from '../messages/departments.js';
import { userErrors } from '../messages/users.js';
import { invalidParam } from '../messages/index.js';
import type { Scope } from './context.js';
import { toDepartmentViews, toOrganizationViews } from './org-tree.js';
import { assertDepartmentsEnabled } from './department-status.js';
import { resolveUsers } from './user-resolver.js';
import { insertNewUsers, newUserRows, translateUniqueViolation, updateResolvedUser, type CreateUserInput } from './users.js';
import { enqueueEvent } from './outbox.js';

/**
 * create-department-tree (根据组织树批量创建部门): one transaction that makes sure a tree exists.
 * The top `name` names an organization (the name of its root department); each child is matched
 * by name among its parent's children. What is missing is created; what exists is left as it is.
 * Members are found by username, email or phone (all they give must name the same person), given
 * the profile fields sent (name, gender, country, province, city, phoneCountryCode) and put in the
 * department; a member found nowhere is created. The answer counts what was added and updated.
 */

const MAX_NODES = 500;
const MAX_MEMBERS = 1000;
const MAX_DEPTH = 20;

interface MemberInput {
  username?: string;
  email?: string;
  phone?: string;
  phoneCountryCode?: string;
  name?: string;
  gender?: string;
  country?: string;
  province?: string;
  city?: string;
}

interface TreeNode {
  name: string;
  children: TreeNode[];
  members: MemberInput[];
  at: string;
}

const MEMBER_TEXT = ['username', 'email', 'phone', 'phoneCountryCode', 'name', 'country', 'province', 'city'] as const;
const PROFILE = { name: 'name', gender: 'gender', country: 'country', province: 'province', city: 'city', phoneCountryCode: 'phone_country_code' } as const;

function member(value: unknown, at: string): MemberInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParam(at, 'a member is an object (username, email, phone, name, …)');
  const m = value as Record<string, unknown>;
  for (const key of MEMBER_TEXT) if (m[key] !== undefined && typeof m[key] !== 'string') throw invalidParam(`${at}.${key}`, 'must be text');
  if (m.gender !== undefined && !['M', 'F', 'U'].includes(m.gender as string)) throw invalidParam(`${at}.gender`, 'must be M, F or U');
  if (!m.username && !m.email && !m.phone) throw userErrors.needsIdentifier(`${at}.username`);
  if (m.phoneCountryCode && !m.phone) throw userErrors.countryCodeWithoutPhone(`${at}.phone`);
  return m as MemberInput;
}

/** Checks the shape of the whole tree before anything is read; children given as text are leaves. */
function parseNode(value: unknown, at: string, depth: number, count: { nodes: number; members: number }): TreeNode {
  if (depth > MAX_DEPTH) throw invalidParam(at, `the tree is deeper than ${MAX_DEPTH} levels`);
  if (++count.nodes > MAX_NODES) throw invalidParam(at, `the tree has more than ${MAX_NODES} departments`);
  const node = typeof value === 'string' ? { name: value } : (value as Record<string, unknown>);
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw invalidParam(at, 'a department is an object { name, children, members } or a name');
  const prefix = at ? `${at}.` : '';
  if (typeof node.name !== 'string' || node.name.trim() === '' || node.name.length > 256) throw invalidParam(`${prefix}name`, 'a department needs a name of 1 to 256 characters');
  const rawChildren = node.children ?? [];
  if (!Array.isArray(rawChildren)) throw invalidParam(`${prefix}children`, 'must be a list');
  const rawMembers = node.members === undefined ? [] : Array.isArray(node.members) ? node.members : [node.members];
  count.members += rawMembers.length;
  if (count.members > MAX_MEMBERS) throw invalidParam(`${prefix}members`, `the tree has more than ${MAX_MEMBERS} members`);
  const children = rawChildren.map((c, i) => parseNode(c, `${prefix}children[${i}]`, depth + 1, count));
  const names = new Set<string>();
  children.forEach((c, i) => {
    if (names.has(c.name)) throw invalidParam(`${prefix}children[${i}].name`, `"${c.name}" is given twice under the same parent`);
    names.add(c.name);
  });
  return { name: node.name, children, members: rawMembers.map((m, i) => member(m, `${prefix}members[${i}]`)), at };
}

interface Counts {
  addUser: number;
  updateUser: number;
  addDepartment: number;
  updateDepartment: number;
}

/** A new department; a root (no organization yet) is its own organization's id. */
function departmentRow(scope: Scope, organizationId: string | null, parent: DepartmentRow | null, name: string, now: string): DepartmentRow {
  const id = newId();
  return {
    id, pool_id: scope.poolId, organization_id: organizationId ?? id, parent_id: parent?.id ?? null, name, code: null, open_department_id: null, description: null,
    i18n: null, custom_data: '{}', is_virtual_node: 0, status: !parent || toBool(parent.status) ? 1 : 0, created_at: now, updated_at: now,
  };
}

/** The one existing person every identifier given names, or none; identifiers naming different people are refused. */
async function findMember(trx: Tx, scope: Scope, m: MemberInput, at: string): Promise<UserRow | undefined> {
  let found: UserRow | undefined;
  for (const [type, value] of [['username', m.username], ['email', m.email], ['phone', m.phone]] as const) {
    if (!value) continue;
    const row = (await resolveUsers(trx, scope.poolId, [value], type, `${at}.${type}`)).get(value);
    if (row && found && row.id !== found.id) throw invalidParam(`${at}.${type}`, `"${value}" belongs to another user than the member's other identifiers`);
    found = found ?? row;
  }
  return found;
}

async function placeMembers(trx: Tx, scope: Scope, organizationCode: string, departmentId: string, members: MemberInput[], at: string, counts: Counts): Promise<void> {
  if (members.length === 0) return;
  await assertDepartmentsEnabled(trx, scope, [departmentId], `${at ? `${at}.` : ''}members`);
  const userIds: string[] = [];
  for (const [i, m] of members.entries()) {
    const where = `${at ? `${at}.` : ''}members[${i}]`;
    const existing = await findMember(trx, scope, m, where);
    if (existing) {
      if (existing.status === 'Resigned') throw userErrors.resigned(`${where}.username`, [existing.id]);
      // Only fields that really change count the member as updated.
      const changes = Object.fromEntries(
        (Object.entries(PROFILE) as Array<[keyof typeof PROFILE, keyof UserRow]>).filter(([k, column]) => m[k] !== undefined && m[k] !== existing[column]).map(([k]) => [k, m[k]]),
      );
      if (Object.keys(changes).length > 0) {
        await updateResolvedUser(trx, scope, existing, { userId: existing.id, ...changes } as never, undefined, `${where}.`);
        counts.updateUser++;
      }
      userIds.push(existing.id);
    } else {
      const input = m as CreateUserInput;
      const rows = newUserRows(scope, [input], [null]);
      await insertNewUsers(trx, scope, [input], rows, {}, {}, {}, () => `${where}.`);
      counts.addUser++;
      userIds.push(rows[0].id);
    }
  }
  const now = nowIso();
  const before = new Set((await deptStore.membershipsOfUsers(trx, scope.poolId, userIds)).filter((r) => r.department_id === departmentId).map((r) => r.user_id));
  const joining = [...new Set(userIds)].filter((id) => !before.has(id));
  await deptStore.addMembers(trx, joining.map((id) => ({ pool_id: scope.poolId, department_id: departmentId, user_id: id, is_leader: 0, is_main_department: 0, joined_at: now })));
  if (joining.length) await enqueueEvent(trx, scope, 'organization:member-added', { organizationCode, departmentId, userIds: joining });
}

async function ensureChildren(trx: Tx, scope: Scope, organizationId: string, organizationCode: string, parent: DepartmentRow, nodes: TreeNode[], counts: Counts): Promise<void> {
  for (const node of nodes) {
    const siblings = (await deptStore.listChildren(trx, scope.poolId, parent.id, {})).filter((d) => d.name === node.name);
    if (siblings.length > 1) throw departmentErrors.treeNameTaken(node.name, `${node.at}.name`);
    let dept = siblings[0];
    if (!dept) {
      dept = departmentRow(scope, organizationId, parent, node.name, nowIso());
      await deptStore.insertDepartment(trx, dept);
      counts.addDepartment++;
      const department = (await toDepartmentViews(trx, scope, [dept]))[0];
      await enqueueEvent(trx, scope, 'organization:node-added', { organizationCode, departmentId: dept.id, parentDepartmentId: parent.id, department });
    }
    await placeMembers(trx, scope, organizationCode, dept.id, node.members, node.at, counts);
    await ensureChildren(trx, scope, organizationId, organizationCode, dept, node.children, counts);
  }
}

export async function createDepartmentTree(scope: Scope, body: { name: string; children?: unknown[]; members?: unknown }): Promise<Counts> {
  const tree = parseNode(body, '', 0, { nodes: 0, members: 0 });
  const counts: Counts = { addUser: 0, updateUser: 0, addDepartment: 0, updateDepartment: 0 };
  try {
    await scope.db.transaction().execute(async (trx) => {
      const roots = await deptStore.rootsNamed(trx, scope.poolId, tree.name);
      if (roots.length > 1) throw departmentErrors.treeNameTaken(tree.name, 'name');
      let root = roots[0];
      let code: string;
      if (root) {
        code = (await orgStore.findByIds(trx, scope.poolId, [root.id]))[0].code;
      } else {
        const now = nowIso();
        root = departmentRow(scope, null, null, tree.name, now);
        code = `org_${root.id}`;
        await orgStore.insertOrganization(trx, { id: root.id, pool_id: scope.poolId, code, created_at: now, updated_at: now });
        await deptStore.insertDepartment(trx, root);
        counts.addDepartment++;
        const organization = (await toOrganizationViews(trx, scope, [(await orgStore.findByCode(trx, scope.poolId, code))!]))[0];
        await enqueueEvent(trx, scope, 'organization:created', { organizationCode: code, departmentId: root.id, organization });
      }
      await placeMembers(trx, scope, code, root.id, tree.members, '', counts);
      await ensureChildren(trx, scope, root.id, code, root, tree.children, counts);
    });
  } catch (error) {
    if (isUniqueViolation(error)) translateUniqueViolation(error);
    throw error;
  }
  return counts;
}
