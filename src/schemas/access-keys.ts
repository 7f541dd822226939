import Type from 'typebox';
import { Id, StringEnum } from './common.js';

export const AccessKey = Type.Object({
  accessKeyId: Type.String(),
  accessKeySecret: Type.Optional(Type.String({ description: 'only in the answer of create-access-key: it is shown once' })),
  userId: Type.Union([Type.String(), Type.Null()]),
  type: Type.Union([Type.String(), Type.Null()]),
  status: StringEnum(['activated', 'revoked'] as const),
  enable: Type.Boolean(),
  createdAt: Type.String(),
  lastDate: Type.Union([Type.String(), Type.Null()]),
  userPoolId: Type.String(),
}, { $id: 'AccessKey' });

export const CreateAccessKeyBody = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 64 }),
  userId: Type.Optional(Id),
  tenantId: Type.Optional(Id),
});

export const ListAccessKeyQuery = Type.Object({
  userId: Type.Optional(Id),
  tenantId: Type.Optional(Id),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(Type.Array(StringEnum(['activated', 'staging', 'revoked'] as const), { maxItems: 3 })),
});

export const GetAccessKeyQuery = Type.Object({ accessKeyId: Id, userId: Type.Optional(Id) });
export const UpdateAccessKeyBody = Type.Object({ accessKeyId: Id, enable: Type.Boolean() });
export const DeleteAccessKeyBody = Type.Object({ accessKeyId: Id });
