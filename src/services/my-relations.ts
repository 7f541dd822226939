import * as history from '../store/login-history.js';
import type { MyLoginHistoryInput } from '../schemas/self-service.js';
import { getUserAccessibleApps } from './application-access.js';
import { getUserAuthorizedResources } from './authorization.js';
import { getUserDepartments, type UserDepartmentsInput } from './department-members.js';
import type { Me } from './end-user.js';
import { getUserGroups } from './groups.js';
import { listIdentitiesOfUsers } from './identities.js';
import { getUserRoles } from './roles.js';
import { getUserLoggedInApps } from './sessions.js';

/**
 * What the end user may read about themselves: the management family's own services, called
 * for the user the access token names (by id), so both answer the same thing.
 */

export async function myRoles(me: Me, namespace?: string) {
  return (await getUserRoles(me.scope, me.userId, 'user_id', namespace)).list;
}

export async function myGroups(me: Me) {
  return (await getUserGroups(me.scope, me.userId, 'user_id')).list;
}

export async function myDepartments(me: Me, query: Omit<UserDepartmentsInput, 'userId' | 'userIdType'>) {
  return getUserDepartments(me.scope, { ...query, userId: me.userId, userIdType: 'user_id' });
}

export async function myAuthorizedResources(me: Me, query: { namespace?: string; resourceType?: string }) {
  return getUserAuthorizedResources(me.scope, { ...query, userId: me.userId, userIdType: 'user_id' });
}

/** AccessibleAppsDto: the applications the user could sign in to now. */
export async function myAccessibleApps(me: Me) {
  const apps = await getUserAccessibleApps(me.scope, { userId: me.userId, userIdType: 'user_id' });
  return apps.map(({ appId, appName, appLogo, appLoginUrl }) => ({ appId, appName, appLogo, appLoginUrl, active: true }));
}

/** LoggedInAppsDto: the applications where the user holds a live session. */
export async function myLoggedInApps(me: Me) {
  const apps = await getUserLoggedInApps(me.scope, { userId: me.userId, userIdType: 'user_id' });
  return apps.map((app) => ({ ...app, active: true }));
}

export async function myIdentities(me: Me) {
  return (await listIdentitiesOfUsers(me.scope.db, me.scope.poolId, [me.userId])).get(me.userId) ?? [];
}

const time = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** LoginHistoryDto: the user's sign-ins, successful and failed, the latest first. */
export async function myLoginHistory(me: Me, input: MyLoginHistoryInput) {
  const { rows, totalCount } = await history.listLogins(
    me.scope.db,
    me.scope.poolId,
    me.userId,
    { appId: input.appId, clientIp: input.clientIp, success: input.success, start: time(input.start), end: time(input.end) },
    input.page ?? 1,
    input.limit ?? 10,
  );
  return {
    totalCount,
    list: rows.map((row) => ({
      userId: row.user_id,
      appId: row.app_id,
      appName: row.app_name ?? '',
      appLoginUrl: row.init_login_uri ?? '',
      appLogo: row.app_logo ?? '',
      loginAt: row.created_at,
      clientIp: row.client_ip,
      success: row.success === 1,
      errorMessage: row.failure_reason ?? undefined,
      userAgent: row.user_agent ?? '',
      // No user-agent parsing or geolocation database here: empty, as the cloud leaves unknowns.
      parsedUserAgent: { device: '', name: '', os: '' },
      loginMethod: 'PASSWORD',
      geoip: {},
    })),
  };
}
