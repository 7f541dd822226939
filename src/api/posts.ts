import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { managementRoute } from '../server/route.js';
import * as posts from '../services/posts.js';
import { Paginated, Success } from '../schemas/common.js';
import { User } from '../schemas/users.js';
import {
  CreatePostBody, GetPostByIdBody, GetPostQuery, ListPostBody, ListPostQuery, Post, PostItem, PostMembersQuery, RemovePostBody,
  SetUserPostsBody, UserConnectionPostBody, UserPostsQuery,
} from '../schemas/posts.js';

const tags = ['posts'];

export function registerPostRoutes(app: FastifyInstance): void {
  managementRoute(app, {
    method: 'POST', url: '/api/v3/create-post', audit: 'write', summary: 'Create a post (position); code unique in the pool', tags, body: CreatePostBody, data: Post,
    handler: async ({ body, scope }) => posts.createPost(scope, body),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-post', audit: 'read', summary: 'Get a post by code', tags, querystring: GetPostQuery, data: Post,
    handler: async ({ query, scope }) => posts.getPost(scope, query.code),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/get-post-by-id', audit: 'read', summary: 'Get posts by id; unknown ids are left out', tags, body: GetPostByIdBody, data: Type.Array(Post),
    handler: async ({ body, scope }) => posts.getPostsById(scope, body.idList),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-post', audit: 'read', summary: 'List posts: paging, keywords, time filters', tags, querystring: ListPostQuery, data: Paginated(PostItem),
    handler: async ({ query, scope }) => posts.listPosts(scope, query),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/list-post', audit: 'read', summary: 'List posts, also by a list of codes', tags, body: ListPostBody, data: Paginated(PostItem),
    handler: async ({ body, scope }) => posts.listPosts(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/update-post', audit: 'write', summary: 'Update the post with the given code', tags, body: CreatePostBody, data: Post,
    handler: async ({ body, scope }) => posts.updatePost(scope, body),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/remove-post', audit: 'write', summary: 'Delete a post and every assignment to it', tags, body: RemovePostBody, data: Success,
    handler: async ({ body, scope }) => posts.removePost(scope, body.code),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/set-user-posts', audit: 'write', summary: "Replace a user's posts with the given ones", tags, body: SetUserPostsBody, data: Success,
    handler: async ({ body, scope }) => posts.setUserPosts(scope, body.userId, body.postIds, body.userIdType),
  });

  managementRoute(app, {
    method: 'POST', url: '/api/v3/user-connection-post', audit: 'write', summary: 'Add one post to a user', tags, body: UserConnectionPostBody, data: Success,
    handler: async ({ body, scope }) => posts.connectUserToPost(scope, body.userId, body.postId, body.userIdType),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-posts', audit: 'read', summary: "A user's posts", tags, querystring: UserPostsQuery, data: Type.Array(Post),
    handler: async ({ query, scope }) => posts.getUserPosts(scope, query.userId, query.userIdType),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/get-user-post', audit: 'read', summary: "A user's first post (deprecated in the cloud; use get-user-posts)", tags,
    querystring: UserPostsQuery, data: Post,
    handler: async ({ query, scope }) => posts.getUserPost(scope, query.userId, query.userIdType),
  });

  managementRoute(app, {
    method: 'GET', url: '/api/v3/list-post-members', audit: 'read', summary: "A post's users (Userpool extension: the post's side of set-user-posts)", tags,
    querystring: PostMembersQuery, data: Paginated(User),
    handler: async ({ query, scope }) => posts.listPostMembers(scope, query.code, query.page, query.limit),
  });
}
