import Type from 'typebox';
import { Id, MAX_PAGE, UserIdType } from './common.js';
import { CreateUserBody, CreateUsersBatchBody, DeleteUsersBody, GetUserBatchQuery, GetUserQuery, ListUsersBody, UpdateUserBody, User, UserChanges } from './users.js';

/** PublicAccountDto has the UserDto's fields: a public account is a user row shared by several people. */
export const PublicAccount = User;

export const CreatePublicAccountBody = CreateUserBody;
export const CreatePublicAccountsBatchBody = CreateUsersBatchBody;
export const GetPublicAccountQuery = GetUserQuery;
export const GetPublicAccountBatchQuery = GetUserBatchQuery;
export const ListPublicAccountsBody = ListUsersBody;
export const UpdatePublicAccountBody = UpdateUserBody;
export const DeletePublicAccountsBody = DeleteUsersBody;

export const UpdatePublicAccountBatchBody = Type.Object({
  list: Type.Array(UserChanges, { minItems: 1, maxItems: 50 }),
  options: Type.Optional(
    Type.Object({
      userIdType: UserIdType,
      resetPasswordOnNextLogin: Type.Optional(Type.Boolean()),
      passwordEncryptType: Type.Optional(Type.String()),
      autoGeneratePassword: Type.Optional(Type.Boolean()),
      sendPasswordResetedNotification: Type.Optional(Type.Any()),
    }),
  ),
});

export const BindUsersBody = Type.Object({ publicAccountId: Id, userIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) });
export const BindPublicAccountsBody = Type.Object({ userId: Id, publicAccountIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) });
export const UnbindBody = Type.Object({ userId: Id, publicAccountId: Id });

const paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'default 50' })),
};
export const PublicAccountsOfUserQuery = Type.Object({ userId: Id, ...paging });
export const UsersOfPublicAccountQuery = Type.Object({ publicAccountId: Id, ...paging });
export const PublicAccountsOfRoleQuery = Type.Object({ roleId: Id, ...paging });
export const PublicAccountsOfGroupQuery = Type.Object({ groupId: Id, ...paging });
export const PublicAccountsOfDepartmentQuery = Type.Object({ departmentId: Id, ...paging });
export const PublicAccountsOfPostQuery = Type.Object({ postId: Id, ...paging });
export const PostOfPublicAccountQuery = Type.Object({ userId: Id, userIdType: UserIdType });
export const BindRolesBody = Type.Object({ userId: Id, roleIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) });
export const BindGroupsBody = Type.Object({ userId: Id, groupIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) });
export const TransferIntoPublicAccountBody = Type.Object({ userId: Id });
