// The shapes the console reads are what the public API documents: the responses of the endpoints
// it calls, from the types generated out of the server's OpenAPI document (api-schema.ts, see
// `npm run console:types`), as any other client would take them. api.ts reads what each call takes
// and answers from here by the endpoint's name. Type-only, so nothing of it reaches the bundle.
import type { paths } from './api-schema';

type Method = 'get' | 'post';

/** The endpoints (`/api/v3/<name>`) that the document gives the method: a name it lacks fails the type check. */
export type Endpoint<M extends Method> = {
  [P in keyof paths]: P extends `/api/v3/${infer Name}` ? (paths[P] extends { [K in M]: unknown } ? Name : never) : never;
}[keyof paths];

type Operation<Name extends Endpoint<M>, M extends Method> = paths[`/api/v3/${Name}`][M & keyof paths[`/api/v3/${Name}`]];

/** What the endpoint answers in `data` on success. */
export type Data<Name extends Endpoint<M>, M extends Method> =
  Operation<Name, M> extends { responses: { 200: { content: { 'application/json': { data?: infer D } } } } } ? NonNullable<D> : never;

/** What a GET takes in its query (nothing when the document names none). */
export type Query<Name extends Endpoint<'get'>> =
  Operation<Name, 'get'> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : Record<string, never>;

/** What a POST takes as its JSON body (nothing when the document names none). */
export type Body<Name extends Endpoint<'post'>> =
  Operation<Name, 'post'> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : Record<string, never>;

/** An input as the arguments of a call: optional when every field of it is, or when there is none. */
export type InputArgs<I> = Record<string, never> extends I ? [input?: I] : [input: I];

/** One element of what it answers: an item of a page (`list`) or of an array. */
type Item<Name extends Endpoint<M>, M extends Method> =
  Data<Name, M> extends { list: (infer I)[] } ? I : Data<Name, M> extends (infer I)[] ? I : never;

// Names for the shapes the console hands between its own functions and components; a call's answer
// needs none, as api.ts infers it.
export type User = Data<'get-user', 'get'>;
export type Department = Data<'get-department', 'get'>;
export type Role = Item<'list-roles', 'get'>;
export type AuditEntry = Item<'get-admin-audit-logs', 'post'>;
export type ConsoleConfig = Data<'console-config', 'get'>;

// The offboarding API (ours, beside GenAuth's resign-user-batch): preview, receipts, schedules.
export type Receipt = Item<'get-resignation-receipts', 'post'>;
export type Removed = Receipt['removed'];
/** What preview-resignation answers: each person's dry run, and the identifiers it found nobody for. */
export type Preview = Data<'preview-resignation', 'post'>;
export type PreviewItem = Preview['list'][number];
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
