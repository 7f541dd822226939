import Type from 'typebox';
import { Id, StringEnum, UserIdType } from './common.js';
import { USER_ID_TYPES } from '../services/user-fields.js';

const Batch = Type.Array(Id, { minItems: 1, maxItems: 50, description: 'at most 50 identifiers of the userIdType' });
const ACCOUNT_TYPES = ['user', 'public_account'] as const;
const AccountType = Type.Optional(StringEnum(ACCOUNT_TYPES, { description: 'user (default; the resign-user-batch path) or public_account' }));

export const Snapshot = Type.Object({
  departments: Type.Array(Type.Object({ departmentId: Type.String(), isLeader: Type.Boolean(), isMainDepartment: Type.Boolean() })),
  roles: Type.Array(Type.Object({ roleId: Type.String() })),
  groups: Type.Array(Type.Object({ groupId: Type.String() })),
  posts: Type.Array(Type.Object({ postId: Type.String() })),
  authorizations: Type.Array(Type.Object({
    authorizationId: Type.String(), namespace: Type.String(), resourceCode: Type.String(), resourceType: Type.String(), actions: Type.Any(), effect: Type.String(),
  })),
  publicAccounts: Type.Array(Type.Object({ publicAccountId: Type.String(), userId: Type.String() })),
  applicationAccess: Type.Array(Type.Object({ appId: Type.String(), effect: Type.String() })),
});

const SessionsEnded = Type.Array(Type.Object({ sessionId: Type.String(), appId: Type.String() }));
const EventsQueued = Type.Array(Type.Object({ type: Type.String(), eventId: Type.String() }));

export const PreviewBody = Type.Object({ userIds: Batch, userIdType: UserIdType, accountType: AccountType });

export const Preview = Type.Object({
  list: Type.Array(Type.Object({
    id: Type.String({ description: 'the identifier as given' }),
    userId: Type.String(),
    status: Type.String({ description: 'the status now' }),
    alreadyResigned: Type.Boolean({ description: 'a resignation would change nothing' }),
    removed: Type.Union([Snapshot, Type.Null()]),
    sessionsEnded: SessionsEnded,
    signOnSessionsEnded: Type.Integer(),
    eventsQueued: EventsQueued,
    schedulesSuperseded: Type.Array(Type.Object({ scheduleId: Type.String(), resignAt: Type.String() })),
  })),
  unresolved: Type.Array(Type.String(), { description: 'identifiers that match nobody: a real resignation of this list would be refused' }),
});

export const ReceiptsBody = Type.Object({
  userIds: Type.Optional(Type.Array(Id, { maxItems: 500, description: 'user ids (not other identifier types)' })),
  requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'the request that resigned them (a scheduled run has its own)' })),
  format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: 'csv adds `csv`: one line per person, ready to download' })),
});

export const Receipt = Type.Object({
  receiptId: Type.String({ description: 'the id of the audit entry that holds it' }),
  userId: Type.String(),
  requestId: Type.String(),
  action: Type.String(),
  actorType: Type.String(),
  actor: Type.String(),
  actorName: Type.Optional(Type.String()),
  resignedAt: Type.String(),
  removed: Snapshot,
  sessionsEnded: SessionsEnded,
  signOnSessionsEnded: Type.Integer(),
  eventsQueued: EventsQueued,
  scheduleId: Type.Optional(Type.String()),
});

export const Receipts = Type.Object({ list: Type.Array(Receipt), totalCount: Type.Integer(), csv: Type.Optional(Type.String()) });

export const ScheduleBody = Type.Object({
  userIds: Batch,
  userIdType: UserIdType,
  resignAt: Type.String({ minLength: 1, maxLength: 64, description: 'ISO-8601 date and time in the future, e.g. 2027-01-31T17:00:00Z' }),
  accountType: AccountType,
});

export const Schedule = Type.Object({
  scheduleId: Type.String(),
  userId: Type.String(),
  identifier: Type.String(),
  // Checked when it was scheduled, so the answer names the values a client can rely on.
  userIdType: StringEnum(USER_ID_TYPES),
  accountType: StringEnum(ACCOUNT_TYPES),
  resignAt: Type.String(),
  status: Type.String({ description: 'pending, done, cancelled, superseded (resigned earlier by another request) or failed' }),
  scheduledBy: Type.Object({ actorType: Type.String(), actor: Type.String(), actorName: Type.Optional(Type.String()) }),
  requestId: Type.String(),
  performedRequestId: Type.Optional(Type.String({ description: 'the request id of the resignation: its receipts carry it' })),
  performedBy: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  createdAt: Type.String(),
}, { $id: 'ResignationSchedule' });

export const ListSchedulesBody = Type.Object({
  status: Type.Optional(Type.Array(Type.String(), { maxItems: 5 })),
  userIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
});

export const CancelScheduleBody = Type.Object({ scheduleIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) });
