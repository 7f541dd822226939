import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { revokeUserTokens } from '../src/services/session-endings.js';
import { useTestServer, NO_BACKGROUND_WORK } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn } from './helpers/apps.js';

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

async function signedIn(target = app) {
  const user = await createUser(t, { name: 'Grace', email: `grace_${Math.random().toString(36).slice(2, 8)}@example.com` });
  const client = authClient(t, target);
  const answer = await signIn(client, user.username);
  expect(answer.statusCode).toBe(200);
  return { user, client, tokens: answer.data as { access_token: string; refresh_token: string; id_token: string } };
}

async function expectDead(client: ReturnType<typeof authClient>, tokens: { access_token: string; refresh_token: string }) {
  expect(await client.introspectToken(tokens.access_token)).toEqual({ active: false });
  expect(await client.introspectToken(tokens.refresh_token)).toEqual({ active: false });
  expect(await httpStatusOf(client.getUserInfoByAccessToken(tokens.access_token, { method: 'GET', tokenPlace: 'header' }))).toBe(401);
  expect(await httpStatusOf(client.getNewAccessTokenByRefreshToken(tokens.refresh_token))).toBe(400);
}

describe('OIDC endpoints through the official AuthenticationClient', () => {
  it('publishes discovery and the JWKS that verify issued tokens', async () => {
    const discovery = await fetch(`${t.url}/oidc/.well-known/openid-configuration`).then((r) => r.json());
    expect(discovery).toMatchObject({ issuer: `${t.url}/oidc`, jwks_uri: `${t.url}/oidc/.well-known/jwks.json`, introspection_endpoint: `${t.url}/oidc/token/introspection` });
    const jwks = await fetch(discovery.jwks_uri).then((r) => r.json());
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
    const { client, tokens } = await signedIn();
    expect((await client.parseAccessToken(tokens.access_token)).iss).toBe(`${t.url}/oidc`);
  });

  it('answers userinfo for a live access token by bearer header and by form body, never by query', async () => {
    const { user, client, tokens } = await signedIn();
    const info = await client.getUserInfoByAccessToken(tokens.access_token, { method: 'GET', tokenPlace: 'header' });
    expect(info).toMatchObject({ sub: user.userId, name: 'Grace', email: user.email });
    expect(await client.getUserInfoByAccessToken(tokens.access_token, { method: 'POST', tokenPlace: 'body' })).toMatchObject({ sub: user.userId });
    // The SDK's default puts the token in the query string (RFC 6750 §2.3 says not to): refused.
    expect(await httpStatusOf(client.getUserInfoByAccessToken(tokens.access_token))).toBe(400);
  });

  it('introspects live access and refresh tokens as active', async () => {
    const { user, client, tokens } = await signedIn();
    expect(await client.introspectToken(tokens.access_token)).toMatchObject({ active: true, sub: user.userId, client_id: app.appId, token_type: 'Bearer' });
    expect(await client.introspectToken(tokens.refresh_token)).toMatchObject({ active: true, sub: user.userId, token_type: 'refresh_token' });
    expect(await client.introspectToken('not-a-token')).toEqual({ active: false });
  });

  it('rotates refresh tokens: the new one works, replaying the old one ends the session', async () => {
    const { client, tokens } = await signedIn();
    const first = await client.getNewAccessTokenByRefreshToken(tokens.refresh_token);
    expect(first.refresh_token).toBeTruthy();
    expect(first.refresh_token).not.toBe(tokens.refresh_token);
    expect((await client.introspectToken(first.access_token)).active).toBe(true);
    expect(await httpStatusOf(client.getNewAccessTokenByRefreshToken(tokens.refresh_token))).toBe(400);
    await expectDead(client, first);
  });

  it('refreshes with client_secret_basic too', async () => {
    const { tokens } = await signedIn();
    const basic = authClient(t, app, { tokenEndPointAuthMethod: 'client_secret_basic', introspectionEndPointAuthMethod: 'client_secret_basic' });
    const next = await basic.getNewAccessTokenByRefreshToken(tokens.refresh_token);
    expect((await basic.introspectToken(next.access_token)).active).toBe(true);
  });

  it('refuses token endpoints to a wrong application secret with HTTP 401', async () => {
    const { tokens } = await signedIn();
    const wrong = authClient(t, { appId: app.appId, secret: 'nope' });
    expect(await httpStatusOf(wrong.introspectToken(tokens.access_token))).toBe(401);
    expect(await httpStatusOf(wrong.getNewAccessTokenByRefreshToken(tokens.refresh_token))).toBe(401);
  });

  it('revoking the access token ends the whole grant', async () => {
    const { client, tokens } = await signedIn();
    expect(await client.revokeToken(tokens.access_token)).toBe(true);
    await expectDead(client, tokens);
  });

  it('revoking the refresh token ends the whole grant', async () => {
    const { client, tokens } = await signedIn();
    expect(await client.revokeToken(tokens.refresh_token)).toBe(true);
    await expectDead(client, tokens);
  });

  it('kick-users ends the sessions of the given applications only', async () => {
    const other = await createApp(t);
    const { user, client, tokens } = await signedIn();
    const otherClient = authClient(t, other);
    const otherTokens = (await signIn(otherClient, user.username)).data as { access_token: string; refresh_token: string };
    const kicked = await t.management.kickUsers({ userId: user.userId, appIds: [app.appId] });
    expect(kicked.statusCode).toBe(200);
    await expectDead(client, tokens);
    expect((await otherClient.introspectToken(otherTokens.access_token)).active).toBe(true);
  });

  it('kick-users names application ids that do not exist', async () => {
    const { user } = await signedIn();
    const answer = await t.management.kickUsers({ userId: user.userId, appIds: [app.appId, 'ffffffffffffffffffffffff'] });
    expect(answer).toMatchObject({ statusCode: 404 });
    expect(answer.message).toContain('ffffffffffffffffffffffff');
  });

  it('revokeUserTokens inside a transaction makes every token of the users dead once it commits', async () => {
    const { user, client, tokens } = await signedIn();
    const deps = t.server.deps;
    const poolId = (await t.management.getApplication({ appId: app.appId })).data.userPoolId;
    await deps.db.transaction().execute(async (trx) => {
      await revokeUserTokens(trx, deps, poolId, [user.userId], 'resigned');
    });
    await expectDead(client, tokens);
  });

  it('resign-user ends every session at once and refuses the next sign-in', async () => {
    const { user, client, tokens } = await signedIn();
    const resigned = await t.management.resignUser({ userId: user.userId } as never);
    expect(resigned.statusCode).toBe(200);
    await expectDead(client, tokens);
    expect(await signIn(client, user.username)).toMatchObject({ statusCode: 403, apiCode: 4607 });
  });

  it('a status change to Suspended ends sessions, and re-activation does not revive them', async () => {
    const { user, client, tokens } = await signedIn();
    expect((await t.management.updateUser({ userId: user.userId, status: 'Suspended' } as never)).statusCode).toBe(200);
    await expectDead(client, tokens);
    expect((await t.management.updateUser({ userId: user.userId, status: 'Activated' } as never)).statusCode).toBe(200);
    await expectDead(client, tokens);
    const again = await signIn(client, user.username);
    expect((await client.introspectToken(again.data.access_token!)).active).toBe(true);
  });

  it('deleting the application ends its sessions', async () => {
    const temp = await createApp(t);
    const { client, tokens } = await signedIn(temp);
    expect((await t.management.deleteApplication({ appId: temp.appId })).statusCode).toBe(200);
    expect(await httpStatusOf(client.introspectToken(tokens.access_token))).toBe(401);
    expect(await httpStatusOf(client.getUserInfoByAccessToken(tokens.access_token, { method: 'GET', tokenPlace: 'header' }))).toBe(401);
  });
});

describe('two server processes on one database', () => {
  let second: RunningServer;
  beforeAll(async () => {
    second = await startServer(
      loadConfig({
        DATABASE_URL: t.database.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent',
        USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64'), USERPOOL_ACCESS_KEY_ID: t.keyId, USERPOOL_ACCESS_KEY_SECRET: t.secret, ...NO_BACKGROUND_WORK,
      }),
      () => {},
    );
  });
  afterAll(async () => {
    await second?.close();
  });

  it('a token issued by one is refused by both once the other revokes it', async () => {
    const { client, tokens } = await signedIn();
    const url = second.url.replace('localhost', '127.0.0.1');
    const onSecond = authClient({ ...t, url }, app);
    expect((await onSecond.introspectToken(tokens.access_token)).active).toBe(true);
    await onSecond.revokeToken(tokens.refresh_token);
    await expectDead(client, tokens);
    await expectDead(onSecond, tokens);
  });
});
