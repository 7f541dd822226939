import { ApiCode } from '../errors.js';
import { fail, table } from './index.js';

/** Errors of the access-key family (create/list/get/update/delete-access-key). */
export const keyErrors = table({
  notFound: (keyId: string) => fail(404, ApiCode.NOT_FOUND, `accessKeyId: no access key "${keyId}" in this user pool`, 'AccessKey 不存在'),
  revoked: (keyId: string) =>
    fail(400, ApiCode.VALIDATION, `accessKeyId: access key "${keyId}" was deleted (revoked) and cannot be enabled again`, 'AccessKey 已被撤销'),
  lastActiveKey: (keyId: string) =>
    fail(
      400,
      ApiCode.LAST_ACCESS_KEY,
      `accessKeyId: "${keyId}" is the last active access key of this user pool; create another before disabling or deleting it`,
      '用户池至少需要保留一个启用的 AccessKey',
    ),
  tenantsUnsupported: () => fail(400, ApiCode.UNSUPPORTED, 'tenantId: tenants are not supported by this server', '不支持租户'),
});
