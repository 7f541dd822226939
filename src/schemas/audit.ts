import Type from 'typebox';
import { MAX_PAGE } from './common.js';

/** GetAdminAuditLogsDto, plus Userpool's `action` (route name) and `targetId` filters. */
export const GetAdminAuditLogsBody = Type.Object({
  requestId: Type.Optional(Type.String()),
  clientIp: Type.Optional(Type.String()),
  operationType: Type.Optional(Type.String({ description: 'create, update, delete, add, remove, resign, ...; "all" for any' })),
  resourceType: Type.Optional(Type.String({ description: 'user, org, role, userGroup, resource, ...; "all" for any' })),
  userId: Type.Optional(Type.String({ description: 'entries made by this admin (access key id) or about this user' })),
  success: Type.Optional(Type.Boolean()),
  start: Type.Optional(Type.Number({ description: 'from this time, milliseconds since the epoch' })),
  end: Type.Optional(Type.Number({ description: 'up to this time, milliseconds since the epoch' })),
  action: Type.Optional(Type.String({ description: 'the route name, e.g. create-user' })),
  targetId: Type.Optional(Type.String({ description: 'entries about this id' })),
  pagination: Type.Optional(
    Type.Object({
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    }),
  ),
});

/** AdminAuditLogDto, plus the exact route, targets and outcome. */
export const AdminAuditLog = Type.Object({
  adminUserId: Type.String(),
  adminUserAvatar: Type.String(),
  adminUserDisplayName: Type.String(),
  clientIp: Type.Optional(Type.String()),
  operationType: Type.String(),
  resourceType: Type.String(),
  eventDetails: Type.Optional(Type.String()),
  operationParam: Type.Optional(Type.String()),
  originValue: Type.Optional(Type.String()),
  targetValue: Type.Optional(Type.String()),
  success: Type.Boolean(),
  userAgent: Type.String(),
  ua: Type.Object({ device: Type.String(), name: Type.String(), os: Type.String() }),
  geoip: Type.Object({}, { additionalProperties: true }),
  timestamp: Type.String(),
  requestId: Type.String(),
  actorType: Type.String({ description: 'access_key, admin (a person signed in to the console), user, scim_token or system' }),
  actorName: Type.Optional(Type.String({ description: "the administrator's name or email when a person acted" })),
  action: Type.String(),
  targetType: Type.Optional(Type.String()),
  targetIds: Type.Array(Type.String()),
  statusCode: Type.Integer(),
  apiCode: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String()),
  detail: Type.Optional(Type.Any()),
});

export const GetUserActionLogsBody = Type.Object({
  requestId: Type.Optional(Type.String({ maxLength: 128 })),
  clientIp: Type.Optional(Type.String({ maxLength: 64 })),
  eventType: Type.Optional(Type.String({ maxLength: 64, description: 'login, register, updateUserProfile or updateUserPassword are recorded; other GenAuth types answer an empty list' })),
  userId: Type.Optional(Type.String({ maxLength: 64 })),
  appId: Type.Optional(Type.String({ maxLength: 64 })),
  start: Type.Optional(Type.Number({ description: 'milliseconds since the epoch' })),
  end: Type.Optional(Type.Number({ description: 'milliseconds since the epoch' })),
  success: Type.Optional(Type.Boolean()),
  pagination: Type.Optional(Type.Object({ page: Type.Optional(Type.Any()), limit: Type.Optional(Type.Any()) })),
});

export const UserActionLog = Type.Object({
  userId: Type.String(),
  userAvatar: Type.String(),
  userDisplayName: Type.String(),
  userLoginsCount: Type.Integer(),
  appId: Type.String(),
  appName: Type.String(),
  appLoginUrl: Type.String(),
  appLogo: Type.String(),
  clientIp: Type.Optional(Type.String()),
  eventType: Type.String(),
  eventDetail: Type.Optional(Type.String()),
  success: Type.Boolean(),
  userAgent: Type.String(),
  timestamp: Type.String(),
  requestId: Type.String(),
});
