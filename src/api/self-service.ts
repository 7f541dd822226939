import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { userRoute } from '../server/user-route.js';
import { Paginated, Success } from '../schemas/common.js';
import { User, Identity } from '../schemas/users.js';
import { Role } from '../schemas/roles.js';
import { Group } from '../schemas/groups.js';
import { UserDepartment } from '../schemas/organizations.js';
import { AuthorizedResource } from '../schemas/resources.js';
import {
  GetProfileQuery, MyApp, MyAuthorizedResourcesQuery, MyDepartmentListQuery, MyLogin, MyLoginHistoryQuery, MyRoleListQuery,
  SecurityInfo, UpdatePasswordBody, UpdateProfileBody,
} from '../schemas/self-service.js';
import { getProfile, getSecurityInfo, updatePassword, updateProfile } from '../services/my-account.js';
import * as mine from '../services/my-relations.js';

const tags = ['end user'];

/**
 * The end user's own endpoints: AuthenticationClient calls them with the user's access token,
 * and each answers about the user the token names, in the token's user pool.
 */
export function registerSelfServiceRoutes(app: FastifyInstance): void {
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-profile', summary: "The signed-in user's profile", tags,
    querystring: GetProfileQuery, data: User,
    handler: async ({ query, me }) => getProfile(me, query),
  });
  userRoute(app, {
    method: 'POST', url: '/api/v3/update-profile', summary: "Change the signed-in user's own profile", tags,
    body: UpdateProfileBody, data: User,
    handler: async ({ body, me }) => updateProfile(me, body),
  });
  userRoute(app, {
    method: 'POST', url: '/api/v3/update-password', summary: 'Change the password, given the old one; ends the other sessions', tags,
    body: UpdatePasswordBody, data: Success,
    handler: async ({ body, me, request }) => updatePassword(me, body, request.ip),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-security-info', summary: "The password's strength and the account's security score", tags,
    data: SecurityInfo,
    handler: async ({ me }) => getSecurityInfo(me),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-role-list', summary: "The signed-in user's roles in one namespace", tags,
    querystring: MyRoleListQuery, data: Type.Array(Role),
    handler: async ({ query, me }) => mine.myRoles(me, query.namespace),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-group-list', summary: "The signed-in user's groups", tags,
    data: Type.Array(Group),
    handler: async ({ me }) => mine.myGroups(me),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-department-list', summary: "The signed-in user's departments", tags,
    querystring: MyDepartmentListQuery, data: Paginated(UserDepartment),
    handler: async ({ query, me }) => mine.myDepartments(me, query),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-authorized-resources', summary: "The signed-in user's resource grants, own and inherited", tags,
    querystring: MyAuthorizedResourcesQuery, data: Paginated(AuthorizedResource),
    handler: async ({ query, me }) => mine.myAuthorizedResources(me, query),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-accessible-apps', summary: 'The applications the signed-in user could sign in to now', tags,
    data: Type.Array(MyApp),
    handler: async ({ me }) => mine.myAccessibleApps(me),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-logged-in-apps', summary: 'The applications where the signed-in user holds a live session', tags,
    data: Type.Array(MyApp),
    handler: async ({ me }) => mine.myLoggedInApps(me),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-my-login-history', summary: "The signed-in user's sign-ins, successful and failed", tags,
    querystring: MyLoginHistoryQuery, data: Paginated(MyLogin),
    handler: async ({ query, me }) => mine.myLoginHistory(me, query),
  });
  userRoute(app, {
    method: 'GET', url: '/api/v3/get-identities', summary: "The signed-in user's identities at external identity providers", tags,
    data: Type.Array(Identity),
    handler: async ({ me }) => mine.myIdentities(me),
  });
}
