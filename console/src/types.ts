// The shapes the console reads are what the public API documents: the responses of the endpoints
// it calls, from the types generated out of the server's OpenAPI document (api-schema.ts, see
// `npm run console:types`), as any other client would take them. Type-only, so nothing of it
// reaches the bundle.
import type { paths } from './api-schema';

type Method = 'get' | 'post';

/** The endpoints (`/api/v3/<name>`) that the document gives the method: a name it lacks fails the type check. */
type Endpoint<M extends Method> = {
  [P in keyof paths]: P extends `/api/v3/${infer Name}` ? (paths[P] extends { [K in M]: unknown } ? Name : never) : never;
}[keyof paths];

/** What the endpoint answers in `data` on success. */
type Data<Name extends Endpoint<M>, M extends Method> =
  paths[`/api/v3/${Name}`] extends { [K in M]: { responses: { 200: { content: { 'application/json': { data?: infer D } } } } } } ? NonNullable<D> : never;

/** One element of what it answers: an item of a page (`list`) or of an array. */
type Item<Name extends Endpoint<M>, M extends Method> =
  Data<Name, M> extends { list: (infer I)[] } ? I : Data<Name, M> extends (infer I)[] ? I : never;

export type User = Data<'get-user', 'get'>;
export type Identity = Item<'get-user-identities', 'get'>;
export type Organization = Item<'list-organizations', 'get'>;
export type Department = Data<'get-department', 'get'>;
export type UserDepartment = Item<'get-user-departments', 'get'>;
export type Namespace = Item<'list-namespaces', 'get'>;
export type Role = Item<'list-roles', 'get'>;
export type Group = Item<'get-all-groups', 'get'>;
/** get-user-posts answers posts; list-post answers them with their member counts. */
export type Post = Item<'get-user-posts', 'get'>;
export type PostItem = Item<'list-post', 'get'>;
export type Grant = Item<'get-user-authorized-resources', 'get'>;
export type Application = Item<'list-applications', 'get'>;
export type LoggedInApp = Item<'get-user-loggedin-apps', 'get'>;
export type Login = Item<'get-user-login-history', 'get'>;
export type AuditEntry = Item<'get-admin-audit-logs', 'post'>;
export type Webhook = Data<'get-webhook', 'get'>;
export type WebhookLog = Item<'get-webhook-logs', 'post'>;
export type WhoAmI = Data<'whoami', 'get'>;
export type ConsoleConfig = Data<'console-config', 'get'>;

// The offboarding API (ours, beside GenAuth's resign-user-batch): preview, receipts, schedules.
export type Receipt = Item<'get-resignation-receipts', 'post'>;
export type Removed = Receipt['removed'];
export type PreviewItem = Item<'preview-resignation', 'post'>;
export type Schedule = Item<'list-scheduled-resignations', 'post'>;

/** The seven ways to name a person, as every resignation endpoint accepts them and a schedule records them. */
export type UserIdType = Schedule['userIdType'];
/** The console's order of them (a value, which no type can give); every one is offered. */
export const USER_ID_TYPES = ['user_id', 'email', 'phone', 'username', 'external_id', 'identity', 'sync_relation'] as const satisfies readonly UserIdType[];
type Offered = (typeof USER_ID_TYPES)[number];
// A way the API adds and the console does not offer fails the type check here.
const everyTypeOffered: [Exclude<UserIdType, Offered>] extends [never] ? true : never = true;
void everyTypeOffered;

export const displayName = (u: Partial<User>) => u.name || u.nickname || u.username || u.email || u.phone || u.userId || '';
