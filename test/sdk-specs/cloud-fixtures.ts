import { beforeAll } from 'vitest';
import { ManagementClient } from 'authing-node-sdk';

/**
 * Data the cloud's test pool has and the SDK's specs look up instead of creating: the department
 * specs find their organization with `searchOrganizations({ keywords: "root 用户池" })`. It is
 * made through the API before each spec file, because updateDepartment.spec renames the root
 * department (which is the organization) to a random name.
 */
export const ROOT_ORGANIZATION_NAME = 'root 用户池';

beforeAll(async () => {
  const client = new ManagementClient({
    accessKeyId: process.env.AUTHING_SDK_TEST_ACCESS_KEY_ID!,
    accessKeySecret: process.env.AUTHING_SDK_TEST_ACCESS_KEY_SECRET!,
    host: process.env.AUTHING_SDK_TEST_HOST,
  });
  const found = await client.searchOrganizations({ keywords: ROOT_ORGANIZATION_NAME });
  if (found.data?.list?.some((o) => o.organizationName === ROOT_ORGANIZATION_NAME)) return;
  const created = await client.createOrganization({ organizationCode: `root-pool-${Date.now()}`, organizationName: ROOT_ORGANIZATION_NAME } as never);
  if (created.statusCode !== 200) throw new Error(`cannot create the "${ROOT_ORGANIZATION_NAME}" fixture: ${created.message}`);
});

/** The resource specs grant to and read from the cloud pool's group `developer` without creating it. */
export const DEVELOPER_GROUP_CODE = 'developer';

beforeAll(async () => {
  const client = new ManagementClient({
    accessKeyId: process.env.AUTHING_SDK_TEST_ACCESS_KEY_ID!,
    accessKeySecret: process.env.AUTHING_SDK_TEST_ACCESS_KEY_SECRET!,
    host: process.env.AUTHING_SDK_TEST_HOST,
  });
  if ((await client.getGroup({ code: DEVELOPER_GROUP_CODE })).statusCode === 200) return;
  const created = await client.createGroup({ code: DEVELOPER_GROUP_CODE, name: 'developer', description: '', type: '' } as never);
  if (created.statusCode !== 200) throw new Error(`cannot create the "${DEVELOPER_GROUP_CODE}" group fixture: ${created.message}`);
});
