import type { ManagementClient } from 'authing-node-sdk';

/** Unwraps an envelope, failing loudly when a fixture call did not succeed. */
export function ok<T>(response: unknown, what: string): T {
  const answer = response as { statusCode: number; message?: string; data?: T };
  if (answer.statusCode !== 200) throw new Error(`${what} failed: ${answer.statusCode} ${answer.message}`);
  return answer.data as T;
}

/** A short random suffix that keeps names and codes apart between tests. */
export const uniq = () => Math.random().toString(36).slice(2, 10);

export interface Directory {
  organizationCode: string;
  departmentIds: string[];
  roleCodes: string[];
  groupCodes: string[];
  postIds: string[];
  resourceCodes: string[];
  publicAccountId: string;
  /** An application that grants sign-in to each attached user by a USER rule. */
  appId: string;
}

export interface DirectorySize {
  departments: number;
  roles: number;
  groups: number;
  posts: number;
  resources: number;
}

/** The shape the resignation issue names: 3 departments, 3 roles, 3 groups, 2 posts, 10 authorizations. */
export const ISSUE_SIZE: DirectorySize = { departments: 3, roles: 3, groups: 3, posts: 2, resources: 10 };

/** Builds departments, roles, groups, posts, resources and a public account through the API. */
export async function buildDirectory(m: ManagementClient, size: DirectorySize = ISSUE_SIZE): Promise<Directory> {
  const s = uniq();
  const org = ok<{ departmentId: string; organizationCode: string }>(
    await m.createOrganization({ organizationCode: `org_${s}`, organizationName: `Org ${s}` } as never), 'create-organization');
  const departmentIds: string[] = [];
  for (let i = 0; i < size.departments; i++) {
    const dept = ok<{ departmentId: string }>(
      await m.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: `Dept ${s} ${i}`, code: `d_${s}_${i}` } as never),
      'create-department');
    departmentIds.push(dept.departmentId);
  }
  const roleCodes: string[] = [];
  for (let i = 0; i < size.roles; i++) {
    ok(await m.createRole({ code: `r_${s}_${i}`, description: 'fixture' } as never), 'create-role');
    roleCodes.push(`r_${s}_${i}`);
  }
  const groupCodes: string[] = [];
  for (let i = 0; i < size.groups; i++) {
    ok(await m.createGroup({ code: `g_${s}_${i}`, name: `Group ${s} ${i}`, description: 'fixture' } as never), 'create-group');
    groupCodes.push(`g_${s}_${i}`);
  }
  const postIds: string[] = [];
  for (let i = 0; i < size.posts; i++) {
    const post = ok<{ id: string }>(await m.createPost({ code: `p_${s}_${i}`, name: `Post ${s} ${i}` } as never), 'create-post');
    postIds.push(post.id);
  }
  const resourceCodes: string[] = [];
  for (let i = 0; i < size.resources; i++) {
    ok(await m.createResource({ code: `res_${s}_${i}`, type: 'DATA', actions: [{ name: 'read', description: '' }, { name: 'write', description: '' }] } as never), 'create-resource');
    resourceCodes.push(`res_${s}_${i}`);
  }
  const account = ok<{ userId: string }>(await m.createPublicAccount({ username: `shared_${s}`, name: `Shared ${s}` } as never), 'create-public-account');
  const app = ok<{ appId: string }>(await m.createApplication({ appName: `App ${s}`, appIdentifier: `app-${s}` } as never), 'create-application');
  ok(await m.updateApplicationPermissionStrategy({ appId: app.appId, permissionStrategy: 'DENY_ALL' } as never), 'update-application-permission-strategy');
  return { organizationCode: org.organizationCode, departmentIds, roleCodes, groupCodes, postIds, resourceCodes, publicAccountId: account.userId, appId: app.appId };
}

/** Gives one user every relation of the directory. */
export async function attachUser(m: ManagementClient, dir: Directory, userId: string): Promise<void> {
  for (const departmentId of dir.departmentIds) {
    ok(await m.addDepartmentMembers({ organizationCode: dir.organizationCode, departmentId, userIds: [userId] }), 'add-department-members');
  }
  for (const code of dir.roleCodes) {
    ok(await m.assignRole({ code, targets: [{ targetType: 'USER', targetIdentifier: userId }] } as never), 'assign-role');
  }
  for (const code of dir.groupCodes) ok(await m.addGroupMembers({ code, userIds: [userId] }), 'add-group-members');
  if (dir.postIds.length) ok(await m.setUserPosts({ userId, postIds: dir.postIds }), 'set-user-posts');
  if (dir.resourceCodes.length) {
    ok(await m.authorizeResources({
      list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: dir.resourceCodes.map((code) => ({ code, actions: ['read'], resourceType: 'DATA' })) }],
    } as never), 'authorize-resources');
  }
  ok(await m.bindUsersPublicAccount({ publicAccountId: dir.publicAccountId, userIds: [userId] } as never), 'set-public-account-of-users');
  ok(await m.authorizeApplicationAccess({ appId: dir.appId, list: [{ targetType: 'USER', targetIdentifier: [userId], effect: 'ALLOW' }] } as never), 'authorize-application-access');
}

type List = { list?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
const items = (data: unknown): Array<Record<string, unknown>> => {
  const d = data as List;
  return Array.isArray(d) ? d : (d?.list ?? []);
};

/**
 * Everything the API says about one user's relations, from both sides: the user's own lists and
 * whether the user appears among the members of each relation of the directory.
 */
export async function relationsOf(m: ManagementClient, dir: Directory, userId: string) {
  const userSide = {
    departments: items(ok(await m.getUserDepartments({ userId, limit: 50 }), 'get-user-departments')).length,
    roles: items(ok(await m.getUserRoles({ userId }), 'get-user-roles')).length,
    groups: items(ok(await m.getUserGroups({ userId }), 'get-user-groups')).length,
    posts: items(ok(await m.getUserPosts({ userId }), 'get-user-posts')).length,
    resources: items(ok(await m.getUserAuthorizedResources({ userId }), 'get-user-authorized-resources')).length,
    publicAccounts: items(ok(await m.getPublicAccountsOfUser({ userId }), 'get-public-accounts-of-user')).length,
    applications: items(ok(await m.getUserAuthorizedApps({ userId }), 'get-user-authorized-apps')).length,
  };
  const has = (list: Array<Record<string, unknown>>) => list.some((u) => u.userId === userId || u.targetIdentifier === userId || u.id === userId);
  const memberSide = { departments: 0, roles: 0, groups: 0, resources: 0, publicAccounts: 0 };
  for (const departmentId of dir.departmentIds) {
    if (has(items(ok(await m.listDepartmentMembers({ organizationCode: dir.organizationCode, departmentId, limit: 50 }), 'list-department-members')))) memberSide.departments++;
  }
  for (const code of dir.roleCodes) if (has(items(ok(await m.listRoleMembers({ code, limit: 50 }), 'list-role-members')))) memberSide.roles++;
  for (const code of dir.groupCodes) if (has(items(ok(await m.listGroupMembers({ code, limit: 50 }), 'list-group-members')))) memberSide.groups++;
  for (const resource of dir.resourceCodes) {
    if (has(items(ok(await m.getResourceAuthorizedTargets({ resource, limit: 50 } as never), 'get-resource-authorized-targets')))) memberSide.resources++;
  }
  if (has(items(ok(await m.getUsersOfPublicAccount({ publicAccountId: dir.publicAccountId }), 'get-users-of-public-account')))) memberSide.publicAccounts++;
  return { userSide, memberSide };
}
