import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSigningKey, publicJwks } from '../src/services/signing-keys.js';
import { defaultPoolId } from '../src/services/pool-issuers.js';
import { DEFAULT_POLICY, type Deps } from '../src/services/context.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';

const DAY = 86_400_000;
let t: TestServer;
let poolId: string;
const handles: DatabaseHandle[] = [];
beforeAll(async () => {
  t = await startTestServer({ SIGNING_KEY_ROTATE_DAYS: '1', OIDC_ISSUER: 'https://id.example.test/oidc' });
  poolId = await defaultPoolId(t.server.deps.db);
});
afterAll(async () => {
  for (const handle of handles) await handle.close();
  await t?.close();
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
});
