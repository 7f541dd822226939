import Type, { type Static } from 'typebox';
import { Id, Limit, Page, UserIdType } from './common.js';

const Code = Type.String({ minLength: 1, maxLength: 64 });
/** The SDK types departmentIdList as a string on input and an array on output; both are accepted. */
const DepartmentIdList = Type.Optional(Type.Union([Type.Array(Type.String(), { maxItems: 50 }), Type.String()]));

export const CreatePostBody = Type.Object({
  code: Code,
  name: Type.String({ minLength: 1, maxLength: 128 }),
  id: Type.Optional(Type.String()),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  departmentIdList: DepartmentIdList,
});

export const Post = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  departmentIdList: Type.Array(Type.String()),
}, { $id: 'Post' });

export const PostItem = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  departmentIdList: Type.Array(Type.String()),
  userCount: Type.Optional(Type.Integer()),
  departmentCount: Type.Optional(Type.Integer()),
  metadataSource: Type.Array(Type.String()),
}, { $id: 'PostItem' });

const listFields = {
  keywords: Type.Optional(Type.String({ maxLength: 128 })),
  skipCount: Type.Optional(Type.Boolean()),
  page: Page,
  limit: Limit(),
  withMetadata: Type.Optional(Type.Boolean()),
  withCustomData: Type.Optional(Type.Boolean()),
  flatCustomData: Type.Optional(Type.Boolean()),
  metadataNoFieldId: Type.Optional(Type.Boolean()),
  createdAfter: Type.Optional(Type.Number({ description: 'epoch milliseconds' })),
  createdBefore: Type.Optional(Type.Number()),
  updatedAfter: Type.Optional(Type.Number()),
  updatedBefore: Type.Optional(Type.Number()),
};
export const ListPostQuery = Type.Object(listFields);
export const ListPostBody = Type.Object({ ...listFields, postCodes: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })) });
export type ListPostInput = Static<typeof ListPostBody>;

export const GetPostQuery = Type.Object({ code: Type.String(), withCustomData: Type.Optional(Type.Boolean()) });
export const GetPostByIdBody = Type.Object({ idList: Type.Union([Type.Array(Type.String(), { maxItems: 50 }), Type.String()]), withCustomData: Type.Optional(Type.Boolean()) });
export const RemovePostBody = Type.Object({ code: Type.String() });
export const UserPostsQuery = Type.Object({ userId: Id, userIdType: UserIdType, withCustomData: Type.Optional(Type.Boolean()) });
export const SetUserPostsBody = Type.Object({ userId: Id, userIdType: UserIdType, postIds: Type.Array(Type.String(), { maxItems: 50 }) });
export const UserConnectionPostBody = Type.Object({ userId: Id, userIdType: UserIdType, postId: Type.String({ minLength: 1 }) });
export const PostMembersQuery = Type.Object({ code: Type.String(), page: Page, limit: Limit() });
