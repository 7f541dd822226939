import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as groups from '../services/groups.js';
import { Paginated, Success } from '../schemas/common.js';
import { User } from '../schemas/users.js';
import {
  CreateGroupBody, CreateGroupsBody, CreateOrUpdateGroupBody, CreateOrUpdateGroupResult, DeleteGroupsBody, GetAllGroupsQuery, GetGroupQuery, GetUserGroupsQuery, Group, GroupMembersBody,
  ListGroupMembersQuery, ListGroupsQuery, UpdateGroupBody,
} from '../schemas/groups.js';

const tags = ['groups'];

export function registerGroupRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-group', audit: 'write', summary: 'Create a group', tags, body: CreateGroupBody, data: Group,
    handler: async ({ body, scope }) => groups.createGroup(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-or-update-group', audit: 'write', summary: 'Create the group with this code, or update its name, description and type', tags,
    body: CreateOrUpdateGroupBody, data: CreateOrUpdateGroupResult,
    handler: async ({ body, scope }) => groups.createOrUpdateGroup(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-groups-batch', audit: 'write', summary: 'Create up to 50 groups, all or nothing', tags, body: CreateGroupsBody,
    data: Type.Array(Group),
    handler: async ({ body, scope }) => groups.createGroups(scope, body.list),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-group', audit: 'read', summary: 'Get a group by code', tags, querystring: GetGroupQuery, data: Group,
    handler: async ({ query, scope }) => groups.getGroup(scope, query.code, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-groups', audit: 'read', summary: 'List groups, newest first', tags, querystring: ListGroupsQuery, data: Paginated(Group),
    handler: async ({ query, scope }) => groups.listGroups(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-all-groups', audit: 'read', summary: 'Every group, optionally with members', tags, querystring: GetAllGroupsQuery,
    data: Type.Array(Group),
    handler: async ({ query, scope }) => groups.getAllGroups(scope, query),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-group', audit: 'write', summary: 'Update a group; newCode renames it', tags, body: UpdateGroupBody, data: Group,
    handler: async ({ body, scope }) => groups.updateGroup(scope, body),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/delete-groups-batch', audit: 'write', summary: 'Delete groups with their memberships; unknown codes are skipped', tags,
    body: DeleteGroupsBody, data: Success,
    handler: async ({ body, scope }) => groups.deleteGroups(scope, body.codeList),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/add-group-members', audit: 'write', summary: 'Add users to a group', tags, body: GroupMembersBody, data: Success,
    handler: async ({ body, scope }) => groups.addGroupMembers(scope, body.code, body.userIds),
  });
  managementRoute(app, {
    method: 'POST', url: '/api/v3/remove-group-members', audit: 'write', summary: 'Remove users from a group', tags, body: GroupMembersBody, data: Success,
    handler: async ({ body, scope }) => groups.removeGroupMembers(scope, body.code, body.userIds),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-group-members', audit: 'read', summary: 'Members of a group', tags, querystring: ListGroupMembersQuery, data: Paginated(User),
    handler: async ({ query, scope }) => groups.listGroupMembers(scope, query),
  });
  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-groups', audit: 'read', summary: "A user's groups", tags, querystring: GetUserGroupsQuery, data: Paginated(Group),
    handler: async ({ query, scope }) => groups.getUserGroups(scope, query.userId, query.userIdType),
  });
}
