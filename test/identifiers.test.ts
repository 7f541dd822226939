import { AuthenticationClient } from 'authing-node-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';
import { scimClient, scimToken } from './helpers/scim.js';
import { ApiCode } from '../src/errors.js';
import { insertUsers, findById } from '../src/store/users.js';
import { newId } from '../src/lib/ids.js';
import { atMigration } from './helpers/migrations.js';
import { migrateToLatest } from '../src/store/migrate.js';

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

type Envelope = { statusCode: number; apiCode?: number; message: string; data?: any };

const exists = async (fields: Record<string, string>) => ok<{ exists: boolean }>(await t.management.isUserExists(fields as never), 'is-user-exists').exists;
const phone = () => `138${Math.floor(1e7 + Math.random() * 9e7)}`;

describe("a username, email or phone that is another user's identifier of another kind", () => {
  it('create-user refuses a username that is another user’s email (in any case) and writes nothing; a fresh username is accepted', async () => {
    const owner = await createUser(t);
    const squat = (await t.management.createUser({ username: owner.email.toUpperCase(), password: 'Squatter-pass-1' } as never)) as Envelope;
    expect(squat).toMatchObject({ statusCode: 409, apiCode: ApiCode.USERNAME_TAKEN });
    expect(squat.message).toMatch(/^username: .*another user's email/);
    expect(await exists({ username: owner.email.toUpperCase() })).toBe(false);
    // Control: the same call with a username nobody holds.
    const control = (await t.management.createUser({ username: `free_${uniq()}` } as never)) as Envelope;
    expect(control.statusCode).toBe(200);
  });

  it('create-user refuses an email that is another user’s username, and a phone that is another user’s username', async () => {
    const owner = await createUser(t, { username: `x${phone()}` });
    const asEmail = await createUser(t, { username: `host_${uniq()}@example.com` });
    const email = (await t.management.createUser({ email: asEmail.username } as never)) as Envelope;
    expect(email).toMatchObject({ statusCode: 409, apiCode: ApiCode.USER_EXISTS });
    expect(email.message).toMatch(/^email: .*another user's username/);
    const numeric = await createUser(t, { username: phone() });
    const byPhone = (await t.management.createUser({ phone: numeric.username } as never)) as Envelope;
    expect(byPhone).toMatchObject({ statusCode: 409, apiCode: ApiCode.PHONE_TAKEN });
    expect(byPhone.message).toMatch(/^phone: .*another user's username/);
    expect(await exists({ email: asEmail.username })).toBe(false);
    expect(await exists({ phone: numeric.username })).toBe(false);
    expect(owner.userId).toBeTruthy();
  });

  it('lets one user hold the same value as username and email', async () => {
    const value = `self_${uniq()}@example.com`;
    const answer = (await t.management.createUser({ username: value, email: value } as never)) as Envelope;
    expect(answer.statusCode).toBe(200);
    const update = (await t.management.updateUser({ userId: answer.data.userId, username: value.toUpperCase() } as never)) as Envelope;
    expect(update.statusCode).toBe(200);
  });

  it('create-users-batch refuses an item whose email is an earlier item’s username, all or nothing', async () => {
    const value = `batch_${uniq()}@example.com`;
    const other = `batch_other_${uniq()}`;
    const answer = (await t.management.createUsersBatch({ list: [{ username: value }, { username: other, email: value }] } as never)) as Envelope;
    expect(answer.statusCode).toBe(409);
    expect(answer.message).toMatch(/^list\[1\]\.email: .*another user's username/);
    expect(await exists({ username: value })).toBe(false);
    expect(await exists({ username: other })).toBe(false);
  });

  it('update-user refuses a username that is another user’s phone, and changes nothing; a free one is accepted', async () => {
    const owner = await createUser(t);
    const user = await createUser(t);
    const answer = (await t.management.updateUser({ userId: user.userId, username: owner.phone, nickname: 'changed' } as never)) as Envelope;
    expect(answer).toMatchObject({ statusCode: 409, apiCode: ApiCode.USERNAME_TAKEN });
    expect(answer.message).toMatch(/^username: .*another user's phone/);
    const after = ok<{ username: string; nickname?: string }>(await t.management.getUser({ userId: user.userId } as never), 'get-user');
    expect(after.username).toBe(user.username);
    expect(after.nickname ?? null).toBeNull();
    const free = `renamed_${uniq()}`;
    expect(((await t.management.updateUser({ userId: user.userId, username: free } as never)) as Envelope).statusCode).toBe(200);
    // The old username is free again for anyone.
    expect(((await t.management.createUser({ username: user.username.toUpperCase() } as never)) as Envelope).statusCode).toBe(200);
  });

  it('update-profile (self-service) refuses a username that is another user’s email', async () => {
    const owner = await createUser(t);
    const me = await createUser(t);
    const client = authClient(t, app);
    const tokens = ok<{ access_token: string }>(await signIn(client, me.username), 'signin');
    client.setAccessToken(tokens.access_token);
    const answer = (await client.updateProfile({ username: owner.email } as never)) as Envelope;
    expect(answer.statusCode).toBe(409);
    expect(answer.message).toMatch(/^username: .*another user's email/);
    expect(((await client.updateProfile({ username: `mine_${uniq()}` } as never)) as Envelope).statusCode).toBe(200);
  });

  it('signup refuses a username that is another user’s email', async () => {
    ok(await t.management.updateSecuritySettings({ registerDisabled: false } as never), 'update-security-settings');
    const owner = await createUser(t);
    const front = new AuthenticationClient({ appId: app.appId, appHost: t.url, tokenEndPointAuthMethod: 'none', timeout: 30000 } as never);
    const answer = (await front.signUpByUsernamePassword({ username: owner.email, password: 'Correct-horse-1' })) as Envelope;
    expect(answer.statusCode).toBe(409);
    expect(answer.message).toMatch(/^username: .*another user's email/);
    expect(await exists({ username: owner.email })).toBe(false);
    const control = (await front.signUpByUsernamePassword({ username: `joined_${uniq()}`, password: 'Correct-horse-1' })) as Envelope;
    expect(control.statusCode).toBe(200);
  });

  it('SCIM refuses a userName that is another user’s email with 409 uniqueness', async () => {
    const owner = await createUser(t);
    const scim = scimClient(t.url, await scimToken(t));
    const answer = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: owner.email });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ scimType: 'uniqueness' });
    expect(answer.body.detail).toMatch(/userName|username/);
    const control = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `scim_${uniq()}` });
    expect(control.status).toBe(201);
  });

  it('lets only one of two racing writers take a value, one as username and one as email', async () => {
    for (let round = 0; round < 8; round += 1) {
      const value = `race_${uniq()}@example.com`;
      const answers = (await Promise.all([
        t.management.createUser({ username: value } as never),
        t.management.createUser({ email: value } as never),
      ])) as Envelope[];
      const statuses = answers.map((a) => a.statusCode).sort();
      expect({ round, statuses }).toEqual({ round, statuses: [200, 409] });
      const holders = await sql<{ n: number }>`select count(*) as n from users where username = ${value} or email_key = ${value}`.execute(t.server.deps.db);
      expect(Number(holders.rows[0].n)).toBe(1);
    }
  });
});

describe('account sign-in over ambiguous data', () => {
  it('refuses an account that is one user’s username and another’s email, instead of picking the username', async () => {
    const owner = await createUser(t);
    const client = authClient(t, app);
    expect((await client.signInByAccountPassword({ account: owner.email, password: 'Correct-horse-1' })).statusCode).toBe(200);
    // Data written before identifiers shared a namespace: another user whose username is the owner's email.
    const ownerRow = (await findById(t.server.deps.db, (await poolId()), owner.userId))!;
    await insertUsers(t.server.deps.db, [{ ...ownerRow, id: newId(), username: owner.email, email: null, email_key: null, phone: null, external_id: null }]);

    const ambiguous = (await client.signInByAccountPassword({ account: owner.email, password: 'Correct-horse-1' })) as Envelope;
    expect(ambiguous).toMatchObject({ statusCode: 400, apiCode: ApiCode.WRONG_CREDENTIALS });
    // Control: naming the kind is not ambiguous, and the owner signs in by email.
    expect((await client.signInByEmailPassword({ email: owner.email, password: 'Correct-horse-1' })).statusCode).toBe(200);
  });
});

async function poolId(): Promise<string> {
  return (await t.server.deps.db.selectFrom('user_pools').select('id').where('name', '=', 'default').executeTakeFirstOrThrow()).id;
}

describe('the migration that gives identifiers one namespace', () => {
  it('registers existing users in creation order, the earliest keeping a value that existing data gives to two', async () => {
    await atMigration('0018_signature_nonces', async (handle, db) => {
      const pool = newId();
      await db.insertInto('user_pools').values({ id: pool, name: 'legacy', created_at: new Date().toISOString() }).execute();
      const user = (id: string, at: string, fields: Record<string, string | null>) => ({
        id, pool_id: pool, gender: 'U', status: 'Activated', work_status: 'Active', user_source_type: 'adminCreated', custom_data: '{}',
        created_at: at, updated_at: at, username: null, email: null, email_key: null, phone: null, ...fields,
      });
      const [first, second, third] = [newId(), newId(), newId()];
      await db.insertInto('users').values([
        user(second, '2026-01-02T00:00:00.000Z', { username: 'Ann@Example.com' }),
        user(first, '2026-01-01T00:00:00.000Z', { username: 'ann', email: 'Ann@Example.com', email_key: 'ann@example.com' }),
        user(third, '2026-01-03T00:00:00.000Z', { username: 'bob', phone: '13800000000' }),
      ]).execute();
      await migrateToLatest(handle);
      const rows = await db.selectFrom('user_identifiers').select(['key', 'user_id']).where('pool_id', '=', pool).orderBy('key').execute();
      expect(rows).toEqual([
        { key: '13800000000', user_id: third },
        { key: 'ann', user_id: first },
        { key: 'ann@example.com', user_id: first },
        { key: 'bob', user_id: third },
      ]);
    });
  });
});
