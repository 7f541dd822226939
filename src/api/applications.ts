import type { FastifyInstance } from 'fastify';
import { managementRoute } from '../server/route.js';
import * as applications from '../services/applications.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  AppIdBody, AppIdQuery, Application, ApplicationSecret, CreateApplicationBody, ListApplicationsQuery, UpdateApplicationBody,
} from '../schemas/applications.js';

const tags = ['applications'];

export function registerApplicationRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-application', summary: 'Create an application (OIDC client)', tags,
    body: CreateApplicationBody, data: Application,
    handler: async ({ body, scope }) => applications.createApplication(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-application', summary: 'Get an application', tags, querystring: AppIdQuery, data: Application,
    handler: async ({ query, scope }) => applications.getApplication(scope, query.appId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-applications', summary: 'List applications: paging, keywords, filters', tags,
    querystring: ListApplicationsQuery, data: Paginated(Application),
    handler: async ({ query, scope }) => applications.listApplications(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-application', summary: 'Update an application', tags, body: UpdateApplicationBody, data: Success,
    handler: async ({ body, scope }) => applications.updateApplication(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-application', summary: 'Delete an application and end its sessions', tags, body: AppIdBody, data: Success,
    handler: async ({ body, scope }) => applications.deleteApplication(scope, body.appId),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-application-secret', summary: 'Get the secret of an application', tags,
    querystring: AppIdQuery, data: ApplicationSecret,
    handler: async ({ query, scope }) => applications.getApplicationSecret(scope, query.appId),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/refresh-application-secret', summary: 'Replace the secret of an application', tags,
    body: AppIdBody, data: ApplicationSecret,
    handler: async ({ body, scope }) => applications.refreshApplicationSecret(scope, body.appId),
  });
}
