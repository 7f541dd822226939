import Type from 'typebox';
import { UserIdType } from './common.js';
import { User } from './users.js';

/** Groups. As with roles, codes, lists and paging are checked by the service (GenAuth's fixed messages). */
const Code = Type.String({ maxLength: 1024 });
const Page = Type.Optional(Type.Integer({ default: 1 }));
const Limit = Type.Optional(Type.Integer({ default: 10 }));
const Flag = Type.Optional(Type.Boolean());

export const Group = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    type: Type.String(),
    metadataSource: Type.Array(Type.String()),
    members: Type.Array(User),
    customData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  // flatCustomData puts custom keys beside the group's own.
  { $id: 'Group', additionalProperties: true },
);

const GroupFields = {
  code: Code,
  name: Type.String({ maxLength: 256 }),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  customData: Type.Optional(Type.Unknown()),
};
export const CreateGroupBody = Type.Object(GroupFields);
export const CreateOrUpdateGroupBody = Type.Object({
  code: Code,
  name: Type.String({ minLength: 1, maxLength: 256 }),
  description: Type.String({ maxLength: 1024 }),
  type: Type.String({ maxLength: 64, description: 'static (the default when empty)' }),
});
export const CreateOrUpdateGroupResult = Type.Object({ created: Type.Boolean(), data: Group });
export const CreateGroupsBody = Type.Object({ list: Type.Array(Type.Object(GroupFields), { maxItems: 50 }) });
export const GetGroupQuery = Type.Object({ code: Code, withCustomData: Flag });
export const ListGroupsQuery = Type.Object({
  keywords: Type.Optional(Type.String({ maxLength: 256 })),
  page: Page,
  limit: Limit,
  withMetadata: Flag,
  withCustomData: Flag,
  flatCustomData: Flag,
});
export const GetAllGroupsQuery = Type.Object({ fetchMembers: Flag, withCustomData: Flag });
export const UpdateGroupBody = Type.Object({
  code: Code,
  newCode: Type.Optional(Code),
  name: Type.Optional(Type.String({ maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  customData: Type.Optional(Type.Unknown()),
});
export const DeleteGroupsBody = Type.Object({ codeList: Type.Array(Type.String(), { maxItems: 50 }) });
export const GroupMembersBody = Type.Object({ code: Code, userIds: Type.Array(Type.String({ maxLength: 512 }), { maxItems: 50 }) });
export const ListGroupMembersQuery = Type.Object({
  code: Code,
  page: Page,
  limit: Limit,
  withCustomData: Flag,
  withIdentities: Flag,
  withDepartmentIds: Flag,
  flatCustomData: Flag,
});
export const GetUserGroupsQuery = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 512 }), userIdType: UserIdType });
