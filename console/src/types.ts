// The shapes the console reads are the API's own: the server's response schemas, imported as
// types only, so that the console and the server cannot drift apart and no server code reaches
// the browser (type imports are erased from the bundle).
import type { Static } from 'typebox';
import type { USER_ID_TYPES as SERVER_USER_ID_TYPES } from '../../src/services/user-fields.js';
import type * as applications from '../../src/schemas/applications.js';
import type * as audit from '../../src/schemas/audit.js';
import type * as authentication from '../../src/schemas/authentication.js';
import type * as consoleSchemas from '../../src/schemas/console.js';
import type * as groups from '../../src/schemas/groups.js';
import type * as offboarding from '../../src/schemas/offboarding.js';
import type * as organizations from '../../src/schemas/organizations.js';
import type * as posts from '../../src/schemas/posts.js';
import type * as resources from '../../src/schemas/resources.js';
import type * as roles from '../../src/schemas/roles.js';
import type * as users from '../../src/schemas/users.js';
import type * as webhooks from '../../src/schemas/webhooks.js';

export type User = Static<typeof users.User>;
export type Identity = Static<typeof users.Identity>;
export type Organization = Static<typeof organizations.Organization>;
export type Department = Static<typeof organizations.Department>;
export type UserDepartment = Static<typeof organizations.UserDepartment>;
export type Namespace = Static<typeof roles.NamespaceListItem>;
export type Role = Static<typeof roles.Role>;
export type Group = Static<typeof groups.Group>;
/** get-user-posts answers posts; list-post answers them with their member counts. */
export type Post = Static<typeof posts.Post>;
export type PostItem = Static<typeof posts.PostItem>;
export type Grant = Static<typeof resources.AuthorizedResource>;
export type Application = Static<typeof applications.Application>;
export type LoggedInApp = Static<typeof applications.UserLoggedInApp>;
export type Login = Static<typeof authentication.LoginHistoryItem>;
export type AuditEntry = Static<typeof audit.AdminAuditLog>;
export type Webhook = Static<typeof webhooks.Webhook>;
export type WebhookLog = Static<typeof webhooks.WebhookLog>;
export type WhoAmI = Static<typeof consoleSchemas.WhoAmI>;
export type ConsoleConfig = Static<typeof consoleSchemas.ConsoleConfig>;

// The offboarding API (ours, beside GenAuth's resign-user-batch): preview, receipts, schedules.
export type Removed = Static<typeof offboarding.Snapshot>;
export type PreviewItem = Static<typeof offboarding.Preview>['list'][number];
export type Receipt = Static<typeof offboarding.Receipt>;
export type Schedule = Static<typeof offboarding.Schedule>;

/** The seven ways to name a person, as every resignation endpoint accepts them. */
export type UserIdType = (typeof SERVER_USER_ID_TYPES)[number];
/** The console's order of them (a value: the server's list cannot reach the bundle); every one is offered. */
export const USER_ID_TYPES = ['user_id', 'email', 'phone', 'username', 'external_id', 'identity', 'sync_relation'] as const satisfies readonly UserIdType[];
type Offered = (typeof USER_ID_TYPES)[number];
// A way the server adds and the console does not offer fails the type check here.
const everyTypeOffered: [Exclude<UserIdType, Offered>] extends [never] ? true : never = true;
void everyTypeOffered;

export const displayName = (u: Partial<User>) => u.name || u.nickname || u.username || u.email || u.phone || u.userId || '';
