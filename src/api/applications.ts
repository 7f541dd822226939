import type { FastifyInstance } from 'fastify';
import { managementRoute } from '../server/route.js';
import Type from 'typebox';
import * as applications from '../services/applications.js';
import * as access from '../services/application-access.js';
import { checkSessionStatus, getUserLoggedInApps, listApplicationActiveUsers } from '../services/sessions.js';
import { User } from '../schemas/users.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  AppIdBody, AppIdQuery, Application, ApplicationSecret, ApplicationSimpleInfo, AuthorizeApplicationAccessBody, CreateApplicationBody, ListApplicationActiveUsersBody, ListApplicationsQuery,
  PermissionStrategy, RevokeApplicationAccessBody, UpdateApplicationBody, UpdatePermissionStrategyBody, UserApp, UserAppsQuery, UserLoggedInApp,
} from '../schemas/applications.js';

const tags = ['applications'];

export function registerApplicationRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-application', audit: 'write', summary: 'Create an application (OIDC client)', tags,
    body: CreateApplicationBody, data: Application,
    handler: async ({ body, scope }) => applications.createApplication(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-application', audit: 'read', summary: 'Get an application', tags, querystring: AppIdQuery, data: Application,
    handler: async ({ query, scope }) => applications.getApplication(scope, query.appId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-application-simple-info', audit: 'read', summary: "An application's id, identifier, name, logo and type", tags,
    querystring: AppIdQuery, data: ApplicationSimpleInfo,
    handler: async ({ query, scope }) => applications.getApplicationSimpleInfo(scope, query.appId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-application-simple-info', audit: 'read', summary: 'Applications in brief: paging, keywords, filters', tags,
    querystring: ListApplicationsQuery, data: Paginated(ApplicationSimpleInfo),
    handler: async ({ query, scope }) => applications.listApplicationSimpleInfo(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-applications', audit: 'read', summary: 'List applications: paging, keywords, filters', tags,
    querystring: ListApplicationsQuery, data: Paginated(Application),
    handler: async ({ query, scope }) => applications.listApplications(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-application', audit: 'write', summary: 'Update an application', tags, body: UpdateApplicationBody, data: Success,
    handler: async ({ body, scope }) => applications.updateApplication(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-application', audit: 'write', summary: 'Delete an application and end its sessions', tags, body: AppIdBody, data: Success,
    handler: async ({ body, scope }) => applications.deleteApplication(scope, body.appId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-application-secret', audit: 'read', summary: 'Get the secret of an application', tags,
    querystring: AppIdQuery, data: ApplicationSecret,
    handler: async ({ query, scope }) => applications.getApplicationSecret(scope, query.appId),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/refresh-application-secret', audit: 'write', summary: 'Replace the secret of an application', tags,
    body: AppIdBody, data: ApplicationSecret,
    handler: async ({ body, scope }) => applications.refreshApplicationSecret(scope, body.appId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-application-permission-strategy', audit: 'read', summary: 'Who may sign in to an application when no rule decides', tags,
    querystring: AppIdQuery, data: PermissionStrategy,
    handler: async ({ query, scope }) => access.getPermissionStrategy(scope, query.appId),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-application-permission-strategy', audit: 'write', summary: 'Set the default: ALLOW_ALL or DENY_ALL', tags,
    body: UpdatePermissionStrategyBody, data: Success,
    handler: async ({ body, scope }) => access.updatePermissionStrategy(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/authorize-application-access', audit: 'write', summary: 'Allow or deny users, roles, groups and departments to sign in to an application', tags,
    body: AuthorizeApplicationAccessBody, data: Success,
    handler: async ({ body, scope }) => access.authorizeApplicationAccess(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/revoke-application-access', audit: 'write', summary: 'Remove access rules of an application', tags,
    body: RevokeApplicationAccessBody, data: Success,
    handler: async ({ body, scope }) => access.revokeApplicationAccess(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-accessible-apps', audit: 'read', summary: 'The applications a user could sign in to now', tags,
    querystring: UserAppsQuery, data: Type.Array(UserApp),
    handler: async ({ query, scope }) => access.getUserAccessibleApps(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-authorized-apps', audit: 'read', summary: 'The applications an ALLOW rule opens to a user', tags,
    querystring: UserAppsQuery, data: Type.Array(UserApp),
    handler: async ({ query, scope }) => access.getUserAuthorizedApps(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-loggedin-apps', audit: 'read', summary: 'The applications in which a user holds a live session', tags,
    querystring: UserAppsQuery, data: Type.Array(UserLoggedInApp),
    handler: async ({ query, scope }) => getUserLoggedInApps(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/check-session-status', audit: 'read', summary: 'Whether a user holds a live session in an application', tags,
    body: Type.Object({ appId: Type.String({ minLength: 1 }), userId: Type.String({ minLength: 1 }) }), data: Type.Object({ active: Type.Boolean() }),
    handler: async ({ body, scope }) => checkSessionStatus(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/list-application-active-users', audit: 'read', summary: 'The users holding a live session in an application', tags,
    body: ListApplicationActiveUsersBody, data: Paginated(User),
    handler: async ({ body, scope }) => listApplicationActiveUsers(scope, body),
  });
}
