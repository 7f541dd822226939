import type { ManagementClient } from 'authing-node-sdk';
import { ok, relationsOf, type Directory } from '../test/helpers/fixtures.js';

/**
 * Creates `count` users that each hold every relation of `dir` (3 departments, 3 roles,
 * 3 groups, 2 posts, 10 resource grants), through the API in batches of 50, and checks one
 * of them from both sides so a benchmark never resigns users that hold nothing.
 */
export async function prepareEmployees(m: ManagementClient, dir: Directory, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const size = Math.min(50, count - start);
    const created = ok<Array<{ userId: string }>>(
      await m.createUsersBatch({ list: Array.from({ length: size }, (_, i) => ({ username: `${tag}_${start + i}` })) } as never), 'create-users-batch');
    const userIds = created.map((u) => u.userId);
    const calls: Array<() => Promise<unknown>> = [
      ...dir.departmentIds.map((departmentId) => () => m.addDepartmentMembers({ organizationCode: dir.organizationCode, departmentId, userIds })),
      ...dir.roleCodes.map((code) => () => m.assignRole({ code, targets: userIds.map((targetIdentifier) => ({ targetType: 'USER', targetIdentifier })) } as never)),
      ...dir.groupCodes.map((code) => () => m.addGroupMembers({ code, userIds })),
      () => m.authorizeResources({
        list: [{ targetType: 'USER', targetIdentifiers: userIds, resources: dir.resourceCodes.map((code) => ({ code, actions: ['read'], resourceType: 'DATA' })) }],
      } as never),
      ...userIds.map((userId) => () => m.setUserPosts({ userId, postIds: dir.postIds })),
    ];
    for (let i = 0; i < calls.length; i += 8) {
      const answers = await Promise.all(calls.slice(i, i + 8).map((call) => call()));
      answers.forEach((a) => ok(a, 'fixture relation'));
    }
    ids.push(...userIds);
  }
  const sample = await relationsOf(m, dir, ids[ids.length - 1]);
  const expected = { departments: 3, roles: 3, groups: 3, posts: 2, resources: 10 };
  for (const [key, value] of Object.entries(expected)) {
    if (sample.userSide[key as keyof typeof sample.userSide] !== value) throw new Error(`fixture user holds ${JSON.stringify(sample.userSide)}, expected ${JSON.stringify(expected)}`);
  }
  return ids;
}
