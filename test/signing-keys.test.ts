import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { listSigningKeys } from '../src/store/signing-keys.js';
import { atMigration } from './helpers/migrations.js';
import { currentSigningKey, publicJwks } from '../src/services/signing-keys.js';
import { defaultPoolId } from '../src/services/pool-issuers.js';
import { DEFAULT_POLICY, type Deps } from '../src/services/context.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';

const DAY = 86_400_000;
const t = useTestServer({ SIGNING_KEY_ROTATE_DAYS: '1', OIDC_ISSUER: 'https://id.example.test/oidc' });
let poolId: string;
const handles: DatabaseHandle[] = [];
beforeAll(async () => {
  poolId = await defaultPoolId(t.server.deps.db);
});
afterAll(async () => {
  for (const handle of handles) await handle.close();
});

/** Services over their own connection, so nothing is remembered from earlier calls (each process caches its keys). */
function freshDeps(signingKeyRotateDays: number): Deps {
  const handle = openDatabase(t.database.url);
  handles.push(handle);
  return { db: handle.db, dialect: handle.dialect, masterKey: t.server.deps.masterKey, policy: { ...DEFAULT_POLICY, signingKeyRotateDays } };
}

const ageKeys = (days: number) =>
  t.server.deps.db.updateTable('signing_keys').set({ created_at: new Date(Date.now() - days * DAY).toISOString() }).execute();

describe('token-signing keys', () => {
  it('signs with a new key once the newest is older than SIGNING_KEY_ROTATE_DAYS, and keeps the old one published', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const client = authClient(t, app);
    const before = (await signIn(client, user.username)).data as { access_token: string };
    const first = await currentSigningKey(freshDeps(1), poolId);
    await ageKeys(2);

    // A 90-day policy keeps the two-day-old key; the one-day policy replaces it.
    expect((await currentSigningKey(freshDeps(90), poolId)).kid).toBe(first.kid);
    const rotating = freshDeps(1);
    const second = await currentSigningKey(rotating, poolId);
    expect(second.kid).not.toBe(first.kid);
    expect((await publicJwks(rotating, poolId)).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([first.kid, second.kid]));

    // A token signed with the retired key still verifies against the published set.
    expect((await client.parseAccessToken(before.access_token)).sub).toBe(user.userId);
  });

  it('issues tokens with OIDC_ISSUER as their iss and in discovery', async () => {
    const discovery = await fetch(`${t.url}/oidc/.well-known/openid-configuration`).then((r) => r.json());
    expect(discovery.issuer).toBe('https://id.example.test/oidc');
    const app = await createApp(t);
    const user = await createUser(t);
    const client = authClient(t, app);
    const tokens = (await signIn(client, user.username)).data as { access_token: string };
    expect((await client.parseAccessToken(tokens.access_token)).iss).toBe('https://id.example.test/oidc');
  });

  it("derives another pool's issuer from OIDC_ISSUER: its trailing /oidc becomes /pools/<poolId>/oidc", async () => {
    const other = await t.newPool();
    const discovery = await fetch(`${t.url}/pools/${other.poolId}/oidc/.well-known/openid-configuration`).then((r) => r.json());
    expect(discovery).toMatchObject({
      issuer: `https://id.example.test/pools/${other.poolId}/oidc`,
      jwks_uri: `https://id.example.test/pools/${other.poolId}/oidc/.well-known/jwks.json`,
    });
  });
});

describe('the migration that gives each pool its own keys', () => {
  it("makes the keys of the server-wide era the default pool's; another pool starts with none and makes its own", async () => {
    await atMigration('0016_self_service', async (handle, db) => {
      const [defaultPool, otherPool] = [newId(), newId()];
      await db.insertInto('user_pools').values([
        { id: defaultPool, name: 'default', created_at: '2026-01-01T00:00:00.000Z' },
        { id: otherPool, name: 'other', created_at: '2026-01-02T00:00:00.000Z' },
      ]).execute();
      await db.insertInto('signing_keys').values({ kid: 'legacy-kid', alg: 'RS256', public_jwk: '{}', private_enc: 'x', created_at: new Date().toISOString() }).execute();
      await migrateToLatest(handle);
      expect((await listSigningKeys(handle.db, defaultPool)).map((k) => k.kid)).toEqual(['legacy-kid']);
      expect(await listSigningKeys(handle.db, otherPool)).toEqual([]);
    });
  });
});
