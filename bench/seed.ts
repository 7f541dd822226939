import { randomBytes } from 'node:crypto';
import type { Db } from '../src/store/database.js';
import { insertUsers, type UserRow } from '../src/store/users.js';
import { newId } from '../src/lib/ids.js';
import { nowIso } from '../src/store/values.js';

/** A user row as create-user would write it (no password: hashing is measured elsewhere). */
export function userRow(poolId: string, n: number, tag: string): UserRow {
  const now = nowIso();
  const email = `user${n}.${tag}@bench.example`;
  return {
    id: newId(), pool_id: poolId, username: `u${n}_${tag}`, email, email_key: email, phone: null, phone_country_code: null,
    external_id: `ext-${n}-${tag}`, name: `Bench User ${n}`, nickname: null, photo: null, gender: 'U', email_verified: 0,
    phone_verified: 0, birthdate: null, country: null, province: null, city: null, address: null, street_address: null,
    postal_code: null, company: null, browser: null, device: null, given_name: null, family_name: null, middle_name: null,
    profile: null, preferred_username: null, website: null, zoneinfo: null, locale: null, formatted: null, region: null,
    identity_number: null, status: 'Activated', work_status: 'Active', status_changed_at: null, password_hash: null,
    password_last_set_at: null, reset_password_on_next_login: 0, user_source_type: 'adminCreated', logins_count: 0,
    last_login: null, last_ip: null, custom_data: '{}', created_at: now, updated_at: now,
  };
}

/** Inserts `count` users in chunks of one transaction each; answers their emails. */
export async function seedUsers(db: Db, poolId: string, count: number, onProgress?: (done: number) => void): Promise<string[]> {
  const tag = randomBytes(3).toString('hex');
  const emails: string[] = [];
  const chunk = 500;
  for (let start = 0; start < count; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => userRow(poolId, start + i, tag));
    await db.transaction().execute((trx) => insertUsers(trx, rows));
    for (const row of rows) emails.push(row.email!);
    onProgress?.(start + rows.length);
  }
  return emails;
}
