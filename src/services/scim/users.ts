import { lockRows } from '../../store/database.js';
import * as scimStore from '../../store/scim.js';
import type { ScimUserRow } from '../../store/scim.js';
import { AppError } from '../../errors.js';
import { createUsers, deleteUsers, updateResolvedUser, translateUniqueViolation, type CreateUserInput } from '../users.js';
import { resign } from '../lifecycle.js';
import { hashPassword } from '../passwords.js';
import type { UserStatus } from '../user-fields.js';
import { mutability, preconditionFailed, scimErrors, scimNotFound } from './errors.js';
import { parseScimFilter } from './filter.js';
import { applyPatch, readPatch } from './patch.js';
import { LIST_SCHEMA, USER_SCHEMA, project, versionOf, type Resource } from './resources.js';
import { fromScimUser, toScimUser, type UserFromScim, type UserGroupRef } from './user-mapping.js';
import { parseJson } from '../../store/values.js';
import { getScimSettings } from './settings.js';
import { matches, paging, type ListQuery, type ScimContext } from './context.js';

/**
 * SCIM Users over the user, lifecycle and group services: creation and updates go through
 * users.ts (the same uniqueness and resignation rules as the GenAuth API), deprovisioning
 * through lifecycle.ts, so a leaver pushed over SCIM leaves exactly as one resigned by hand.
 */

/** The row's groups come with it (one query): a JSON array, text on SQLite, parsed on PostgreSQL. */
const resourceOf = (ctx: ScimContext, row: ScimUserRow) => toScimUser(row, parseJson<UserGroupRef[]>(row.scim_groups, []), ctx.baseUrl);

async function readUser(ctx: ScimContext, id: string): Promise<Resource> {
  const row = await scimStore.findUser(ctx.scope.db, ctx.scope.dialect, ctx.scope.poolId, id);
  if (!row) throw scimNotFound(`User "${id}" not found`);
  return resourceOf(ctx, row);
}

export interface Answer {
  resource: Resource;
  version: string;
}

const answer = (resource: Resource): Answer => ({ resource, version: (resource.meta as { version: string }).version });

function createInput(user: UserFromScim, status: UserStatus): CreateUserInput {
  const input: CreateUserInput = { username: user.username, status };
  if (user.email) input.email = user.email;
  if (user.phone) input.phone = user.phone;
  if (user.externalId) input.externalId = user.externalId;
  if (user.password) input.password = user.password;
  for (const [field, value] of Object.entries(user.profile)) if (value !== null && value !== undefined) (input as Record<string, unknown>)[field] = value;
  return input;
}

export async function createScimUser(ctx: ScimContext, body: Resource): Promise<Answer> {
  const user = fromScimUser(body);
  let created: ScimUserRow | undefined;
  await scimErrors(() =>
    createUsers(ctx.scope, [createInput(user, user.active === false ? 'Suspended' : 'Activated')], {}, {}, {
      inTransaction: async (trx, rows) => {
        await scimStore.saveUserAttributesMany(trx, [{ user_id: rows[0].id, pool_id: ctx.scope.poolId, data: user.extra }]);
        created = { ...rows[0], scim_data: user.extra };
      },
    }),
  );
  return answer(toScimUser(created!, [], ctx.baseUrl));
}

export async function getScimUser(ctx: ScimContext, id: string, query: ListQuery): Promise<Answer> {
  const resource = await readUser(ctx, id);
  return { resource: project(resource, USER_SCHEMA, query.attributes, query.excludedAttributes), version: answer(resource).version };
}

export async function listScimUsers(ctx: ScimContext, query: ListQuery) {
  const filter = parseScimFilter('User', query.filter);
  const { offset, limit, startIndex } = paging(query);
  const { rows, total } = await scimStore.searchUsers(ctx.scope.db, ctx.scope.dialect, ctx.scope.poolId, filter, offset, limit);
  const list = rows.map((row) => resourceOf(ctx, row));
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: list.length,
    Resources: list.map((r) => project(r, USER_SCHEMA, query.attributes, query.excludedAttributes)),
  };
}

/**
 * PUT and PATCH end here with the whole new resource. Profile and status change in one
 * transaction through the user service; `active: false` suspends (status Suspended: every
 * session and token is refused from the commit on) or, when the pool says so, resigns through
 * the lifecycle service right after. A resigned user is never re-activated.
 */
async function writeUser(ctx: ScimContext, id: string, ifMatch: string | undefined, next: (current: Resource) => Resource): Promise<Answer> {
  const { scope } = ctx;
  const settings = await getScimSettings(scope.db, scope.poolId);
  // Hashing is slow and SQLite has one writer: the password is hashed before the transaction, so the
  // new resource is computed twice when there is one (once here from the stored state, once under the lock).
  const password = fromScimUser(next(await readUser(ctx, id))).password;
  const hash = password ? await hashPassword(password) : undefined;
  let resignAfter = false;
  await scimErrors(async () => {
    try {
      await scope.db.transaction().execute(async (trx) => {
        await lockRows(trx, scope.dialect, 'users', [id]);
        const row = await scimStore.findUser(trx, scope.dialect, scope.poolId, id);
        if (!row) throw scimNotFound(`User "${id}" not found`);
        if (!matches(ifMatch, versionOf(row.updated_at))) throw preconditionFailed(`If-Match: the User changed since version ${ifMatch}; it is now ${versionOf(row.updated_at)}`);
        const user = fromScimUser(next(resourceOf(ctx, row)));
        let status: UserStatus | undefined;
        if (user.active === true && row.status !== 'Activated') {
          if (row.status === 'Resigned') throw mutability(`active: user "${id}" has resigned; a resigned user cannot be re-activated, only deleted`);
          status = 'Activated';
        }
        if (user.active === false && row.status === 'Activated') {
          if (settings.deactivate === 'resign') resignAfter = true;
          else status = 'Suspended';
        }
        await updateResolvedUser(trx, scope, row, {
          userId: id,
          username: user.username,
          email: user.email,
          phone: user.phone,
          externalId: user.externalId,
          ...(user.profile as Record<string, string>),
          ...(status ? { status } : {}),
        }, hash);
        await scimStore.saveUserAttributes(trx, scope.poolId, id, user.extra);
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      return translateUniqueViolation(error);
    }
  });
  if (resignAfter) await scimErrors(() => resign(scope, [id], 'user_id', 'user', 'resign-user'));
  return answer(await readUser(ctx, id));
}

export async function replaceScimUser(ctx: ScimContext, id: string, body: Resource, ifMatch?: string): Promise<Answer> {
  // Checked before anything is read, so a bad body is a 400 whatever the id.
  fromScimUser(body);
  return writeUser(ctx, id, ifMatch, (current) => {
    // PUT replaces what the client may write; `active` and `password` stay as they are when not given.
    const replaced: Resource = { ...body };
    if (replaced.active === undefined && Object.keys(body).every((k) => k.toLowerCase() !== 'active')) replaced.active = current.active;
    return replaced;
  });
}

export async function patchScimUser(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): Promise<Answer> {
  const operations = readPatch(body);
  for (const op of operations) {
    if (op.path && /^groups\b/i.test(op.path)) throw mutability('groups: is read-only on a User; change membership through the Group');
  }
  return writeUser(ctx, id, ifMatch, (current) => {
    const { groups: _groups, meta: _meta, ...writable } = current;
    return applyPatch({ ...writable, meta: {} }, operations);
  });
}

/** DELETE: resigns (default: relations removed, record kept, audited) or deletes, as the pool's setting says. */
export async function deleteScimUser(ctx: ScimContext, id: string, ifMatch?: string): Promise<void> {
  const { scope } = ctx;
  const row = await scimStore.findUser(scope.db, scope.dialect, scope.poolId, id);
  if (!row) throw scimNotFound(`User "${id}" not found`);
  if (!matches(ifMatch, versionOf(row.updated_at))) throw preconditionFailed(`If-Match: the User changed since version ${ifMatch}; it is now ${versionOf(row.updated_at)}`);
  const settings = await getScimSettings(scope.db, scope.poolId);
  if (settings.delete === 'delete') await scimErrors(() => deleteUsers(scope, [id], 'user_id'));
  else await scimErrors(() => resign(scope, [id], 'user_id', 'user', 'resign-user'));
}
