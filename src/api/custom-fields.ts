import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as fields from '../services/custom-fields.js';
import { Paginated, Success } from '../schemas/common.js';
import {
  BaseField, CustomField, DeleteCustomFieldsBody, GetCustomDataQuery, GetCustomFieldsQuery, ListCustomFieldsQuery, ListUserBaseFieldsQuery, SetCustomDataBody,
  SetCustomFieldsBody, SetUserBaseFieldsBody,
} from '../schemas/custom-fields.js';

const tags = ['custom fields'];

export function registerCustomFieldRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-custom-fields', audit: 'write', summary: 'Declare or change typed custom fields of users, roles, groups or departments', tags,
    body: SetCustomFieldsBody, data: Type.Array(CustomField),
    handler: async ({ body, scope }) => fields.setCustomFields(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-custom-fields', audit: 'read', summary: 'Every custom field of a target type', tags,
    querystring: GetCustomFieldsQuery, data: Type.Array(CustomField),
    handler: async ({ query, scope }) => fields.getCustomFields(scope, query.targetType),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-custom-fields', audit: 'read', summary: 'Custom fields of a target type, a page at a time', tags,
    querystring: ListCustomFieldsQuery, data: Paginated(CustomField),
    handler: async ({ query, scope }) => fields.listCustomFields(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-custom-fields', audit: 'write', summary: 'Remove custom fields (the values already written stay)', tags,
    body: DeleteCustomFieldsBody, data: Success,
    handler: async ({ body, scope }) => fields.deleteCustomFields(scope, body.list),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-custom-data', audit: 'write', summary: 'Write values of declared custom fields on a user, role, group or department', tags,
    body: SetCustomDataBody, data: Success,
    handler: async ({ body, scope }) => fields.setCustomData(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-custom-data', audit: 'read', summary: 'The custom data of a user, role, group or department', tags,
    querystring: GetCustomDataQuery, data: Type.Record(Type.String(), Type.Any()),
    handler: async ({ query, scope }) => fields.getCustomData(scope, query),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-base-fields', audit: 'read', summary: 'The built-in user fields with this pool\'s settings', tags,
    data: Type.Array(BaseField),
    handler: async ({ scope }) => fields.getUserBaseFields(scope),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-user-base-fields', audit: 'read', summary: 'The built-in user fields, a page at a time', tags,
    querystring: ListUserBaseFieldsQuery, data: Paginated(BaseField),
    handler: async ({ query, scope }) => fields.listUserBaseFields(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-user-base-fields', audit: 'write', summary: 'Change the label, description and visibility of built-in user fields', tags,
    body: SetUserBaseFieldsBody, data: Type.Array(BaseField),
    handler: async ({ body, scope }) => fields.setUserBaseFields(scope, body),
  });
}
