import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { atMigration } from './helpers/migrations.js';
import { uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';
import { decryptSecret } from '../src/lib/secrets.js';
import { newId } from '../src/lib/ids.js';
import { migrateToLatest } from '../src/store/migrate.js';

const t = useTestServer();
let idpId: string;
beforeAll(async () => {
  idpId = ok<{ id: string }>(await t.management.createExtIdp({ name: 'Lark', type: 'lark' } as never), 'create-ext-idp').id;
});

const rawIdentity = (userIdInIdp: string) =>
  t.server.deps.db.selectFrom('user_identities').selectAll().where('user_id_in_idp', '=', userIdInIdp).executeTakeFirstOrThrow();

describe('identity-provider tokens at rest', () => {
  it('are stored encrypted under the master key by create-user, and decrypt to what was given', async () => {
    const inIdp = `ou_${uniq()}`;
    const accessToken = `at-${randomBytes(16).toString('hex')}`;
    const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
    ok(await t.management.createUser({ username: `idp_${uniq()}`, identities: [{ extIdpId: idpId, provider: 'lark', userIdInIdp: inIdp, accessToken, refreshToken }] } as never), 'create-user');
    const row = await rawIdentity(inIdp);
    for (const form of [accessToken, refreshToken, Buffer.from(accessToken).toString('base64'), Buffer.from(refreshToken).toString('base64')]) {
      expect(JSON.stringify(row)).not.toContain(form);
    }
    expect(decryptSecret(t.server.deps.masterKey, row.access_token!)).toBe(accessToken);
    expect(decryptSecret(t.server.deps.masterKey, row.refresh_token!)).toBe(refreshToken);
  });

  it('are stored encrypted by link-identity; an identity given no tokens stores none', async () => {
    const user = ok<{ userId: string }>(await t.management.createUser({ username: `link_${uniq()}` } as never), 'create-user');
    const inIdp = `ou_${uniq()}`;
    const accessToken = `at-${randomBytes(16).toString('hex')}`;
    ok(await t.management.linkIdentity({ userId: user.userId, extIdpId: idpId, userIdInIdp: inIdp, accessToken } as never), 'link-identity');
    const row = await rawIdentity(inIdp);
    expect(row.access_token).not.toContain(accessToken);
    expect(decryptSecret(t.server.deps.masterKey, row.access_token!)).toBe(accessToken);
    expect(row.refresh_token).toBeNull();
  });
});

describe('the migration that encrypts identity tokens', () => {
  it('encrypts tokens stored in clear before it, and leaves absent ones absent', async () => {
    const masterKey = randomBytes(32);
    await atMigration('0018b_user_identifiers', async (handle, db) => {
      const now = new Date().toISOString();
      const [pool, user, idp] = [newId(), newId(), newId()];
      await db.insertInto('user_pools').values({ id: pool, name: 'legacy', created_at: now }).execute();
      await db.insertInto('users').values({
        id: user, pool_id: pool, username: 'legacy', gender: 'U', status: 'Activated', work_status: 'Active', user_source_type: 'adminCreated',
        custom_data: '{}', created_at: now, updated_at: now,
      }).execute();
      await db.insertInto('ext_idps').values({ id: idp, pool_id: pool, name: 'Lark', type: 'lark', created_at: now, updated_at: now }).execute();
      const identity = (id: string, inIdp: string, access: string | null, refresh: string | null) => ({
        id, pool_id: pool, user_id: user, ext_idp_id: idp, provider: 'lark', type: 'generic', user_id_in_idp: inIdp, user_info_in_idp: '{}',
        access_token: access, refresh_token: refresh, origin_conn_ids: '[]', created_at: now,
      });
      const [withTokens, without] = [newId(), newId()];
      await db.insertInto('user_identities').values([identity(withTokens, 'a', 'clear-access', 'clear-refresh'), identity(without, 'b', null, null)]).execute();

      await migrateToLatest(handle, masterKey);
      const rows = await db.selectFrom('user_identities').select(['id', 'access_token', 'refresh_token']).orderBy('user_id_in_idp').execute();
      expect(rows[0].access_token).toMatch(/^v1:/);
      expect(decryptSecret(masterKey, rows[0].access_token)).toBe('clear-access');
      expect(decryptSecret(masterKey, rows[0].refresh_token)).toBe('clear-refresh');
      expect(rows[1]).toEqual({ id: without, access_token: null, refresh_token: null });
    }, masterKey);
  });
});
