import type { Db, Tx } from '../store/database.js';
import type { UserRow } from '../store/users.js';
import * as deptStore from '../store/departments.js';
import * as postStore from '../store/posts.js';
import { opt, parseJson, toBool } from '../store/values.js';
import { PROFILE_FIELDS } from './user-fields.js';
import type { Static } from 'typebox';
import type { User } from '../schemas/users.js';
import { listIdentitiesOfUsers, type IdentityView } from './identities.js';

export interface UserViewOptions {
  withCustomData?: boolean;
  withIdentities?: boolean;
  withDepartmentIds?: boolean;
  withPost?: boolean;
  flatCustomData?: boolean;
}

/** Each user's department ids, from the memberships table (one query for all of them). */
async function departmentIdsOfUsers(db: Db | Tx, poolId: string, userIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const m of await deptStore.membershipsOfUsers(db, poolId, userIds)) result.set(m.user_id, [...(result.get(m.user_id) ?? []), m.department_id]);
  return result;
}

export type UserView = Static<typeof User>;

export function toUserView(row: UserRow): UserView {
  const view: Record<string, unknown> = {
    userId: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status,
    workStatus: row.work_status,
    externalId: opt(row.external_id),
    email: opt(row.email),
    phone: opt(row.phone),
    username: opt(row.username),
    gender: row.gender,
    emailVerified: toBool(row.email_verified),
    phoneVerified: toBool(row.phone_verified),
    loginsCount: Number(row.logins_count),
    lastLogin: row.last_login ?? null,
    lastIp: row.last_ip ?? null,
    passwordLastSetAt: opt(row.password_last_set_at),
    resetPasswordOnNextLogin: toBool(row.reset_password_on_next_login),
    userSourceType: row.user_source_type,
    statusChangedAt: opt(row.status_changed_at),
  };
  for (const [wire, column] of Object.entries(PROFILE_FIELDS)) {
    const value = row[column];
    if (value !== null && value !== undefined) view[wire] = value;
  }
  return view as UserView;
}

/** Rows to wire objects, with the optional parts loaded in one query per kind, not per user. */
export async function toUserViews(db: Db | Tx, poolId: string, rows: UserRow[], options: UserViewOptions = {}): Promise<UserView[]> {
  const ids = rows.map((r) => r.id);
  const [identities, departments, posts] = await Promise.all([
    options.withIdentities ? listIdentitiesOfUsers(db, poolId, ids) : undefined,
    options.withDepartmentIds ? departmentIdsOfUsers(db, poolId, ids) : undefined,
    options.withPost ? postStore.postIdsOfUsers(db, poolId, ids) : undefined,
  ]);
  return rows.map((row) => {
    const view: Record<string, unknown> = toUserView(row);
    if (options.withCustomData || options.flatCustomData) {
      const custom = parseJson<Record<string, unknown>>(row.custom_data, {});
      if (options.flatCustomData) Object.assign(view, custom);
      else view.customData = custom;
    }
    if (identities) view.identities = identities.get(row.id) ?? ([] as IdentityView[]);
    if (departments) view.departmentIds = departments.get(row.id) ?? [];
    if (posts) view.postIdList = posts.get(row.id) ?? [];
    return view as UserView;
  });
}
