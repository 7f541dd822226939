import { AuthenticationClient, type ManagementClient } from 'authing-node-sdk';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { ok } from './helpers/fixtures.js';
import { createApp, createUser, uniq } from './helpers/apps.js';
import { Agent, formAction, hiddenForm, redirectParams } from './helpers/hosted.js';
import { startReceiver } from './helpers/receiver.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const PASSWORD = 'Correct-horse-1';
const CALLBACK = 'https://rp.example.org/cb';
const BYE = 'https://rp.example.org/bye';

interface Pool {
  poolId: string;
  management: ManagementClient;
  /** `<server>/pools/<poolId>`: what the SDK's appHost is for this pool. */
  host: string;
  issuer: string;
  app: { appId: string; secret: string };
  /** Another application of the same pool. */
  second: { appId: string; secret: string };
  username: string;
  userId: string;
}

const t = useTestServer();
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: Pool;
let b: Pool;

async function app(m: ManagementClient, fields: Record<string, unknown> = {}) {
  const created = ok<{ appId: string }>(await m.createApplication({ appName: `App ${uniq()}`, appIdentifier: `app-${uniq()}`, ...fields } as never), 'create-application');
  const secret = ok<{ secret: string }>(await m.getApplicationSecret({ appId: created.appId }), 'get-application-secret');
  return { appId: created.appId, secret: secret.secret };
}

async function pool(): Promise<Pool> {
  const made = await t.newPool();
  const host = `${t.url}/pools/${made.poolId}`;
  const username = `p_${uniq()}`;
  const user = ok<{ userId: string }>(await made.management.createUser({ username, email: `${username}@example.com`, password: PASSWORD } as never), 'create-user');
  return {
    poolId: made.poolId, management: made.management, host, issuer: `${host}/oidc`,
    app: await app(made.management, { redirectUris: [CALLBACK], logoutRedirectUris: [BYE], oidcConfig: { backchannel_logout_uri: `${receiver.url}/${made.poolId}` } }),
    second: await app(made.management),
    username, userId: user.userId,
  };
}

/** The official SDK pointed at a pool's own address. */
const sdk = (p: Pool, target = p.app, options: Record<string, unknown> = {}) =>
  new AuthenticationClient({ appId: target.appId, appSecret: target.secret, appHost: p.host, scope: 'openid profile offline_access', timeout: 30000, ...options } as never);

type Tokens = { access_token: string; id_token: string; refresh_token: string };
async function signIn(p: Pool): Promise<Tokens> {
  const answer = await sdk(p).signInByUsernamePassword({ username: p.username, password: PASSWORD, options: { scope: 'openid profile offline_access' } } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data as Tokens;
}

const form = (url: string, body: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

beforeAll(async () => {
  receiver = await startReceiver();
  a = await pool();
  b = await pool();
});
afterAll(async () => {
  await receiver?.close();
});

describe('each user pool is an OpenID Provider of its own', () => {
  it('publishes discovery and a JWKS per pool under /pools/<poolId>/oidc; the default pool keeps /oidc', async () => {
    const root = await fetch(`${t.url}/oidc/.well-known/openid-configuration`).then((r) => r.json());
    expect(root).toMatchObject({ issuer: `${t.url}/oidc`, jwks_uri: `${t.url}/oidc/.well-known/jwks.json`, token_endpoint: `${t.url}/oidc/token` });
    for (const p of [a, b]) {
      const discovery = await fetch(`${p.issuer}/.well-known/openid-configuration`).then((r) => r.json());
      expect(discovery).toMatchObject({
        issuer: p.issuer, jwks_uri: `${p.issuer}/.well-known/jwks.json`, token_endpoint: `${p.issuer}/token`,
        authorization_endpoint: `${p.issuer}/auth`, userinfo_endpoint: `${p.issuer}/me`, end_session_endpoint: `${p.issuer}/session/end`,
        introspection_endpoint: `${p.issuer}/token/introspection`, revocation_endpoint: `${p.issuer}/token/revocation`,
      });
    }
    const kids = async (url: string) => ((await fetch(url).then((r) => r.json())) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    const [rootKids, aKids, bKids] = [await kids(`${t.url}/oidc/.well-known/jwks.json`), await kids(`${a.issuer}/.well-known/jwks.json`), await kids(`${b.issuer}/.well-known/jwks.json`)];
    expect(aKids.length).toBeGreaterThan(0);
    expect(aKids.filter((k) => bKids.includes(k) || rootKids.includes(k))).toEqual([]);
    expect(bKids.filter((k) => rootKids.includes(k))).toEqual([]);
    // A pool that does not exist has no provider.
    expect((await fetch(`${t.url}/pools/ffffffffffffffffffffffff/oidc/.well-known/openid-configuration`)).status).toBe(404);
  });

  it("two pools' access tokens carry different issuers and key ids, each its own pool's", async () => {
    const [ta, tb] = [await signIn(a), await signIn(b)];
    for (const [p, tokens] of [[a, ta], [b, tb]] as const) {
      expect(decodeJwt(tokens.access_token).iss).toBe(p.issuer);
      expect(decodeJwt(tokens.id_token).iss).toBe(p.issuer);
    }
    expect(decodeProtectedHeader(ta.access_token).kid).not.toBe(decodeProtectedHeader(tb.access_token).kid);
  });

  it("a resource server of pool A that checks pool A's JWKS and issuer (jose) accepts A's tokens and refuses B's", async () => {
    const [ta, tb] = [await signIn(a), await signIn(b)];
    const jwksA = createRemoteJWKSet(new URL(`${a.issuer}/.well-known/jwks.json`));
    const jwksB = createRemoteJWKSet(new URL(`${b.issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(ta.access_token, jwksA, { issuer: a.issuer, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: a.userId, user_pool_id: a.poolId });
    // B's token fails A's signature check, and its issuer is not A's either.
    await expect(jwtVerify(tb.access_token, jwksA, { issuer: a.issuer })).rejects.toThrow();
    await expect(jwtVerify(tb.access_token, jwksB, { issuer: a.issuer })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
    // Control: B's resource server accepts it.
    await expect(jwtVerify(tb.access_token, jwksB, { issuer: b.issuer })).resolves.toBeTruthy();
  });

  it("pool A's introspection, userinfo and end-user routes refuse pool B's token; A's own token works there", async () => {
    const [ta, tb] = [await signIn(a), await signIn(b)];
    const introspect = async (token: string) =>
      (await (await form(`${a.issuer}/token/introspection`, { client_id: a.app.appId, client_secret: a.app.secret, token })).json()) as { active: boolean };
    expect(await introspect(tb.access_token)).toEqual({ active: false });
    expect(await introspect(tb.refresh_token)).toEqual({ active: false });
    expect((await introspect(ta.access_token)).active).toBe(true);

    const me = (token: string) => fetch(`${a.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(tb.access_token)).status).toBe(401);
    expect((await me(ta.access_token)).status).toBe(200);

    const profile = (token: string) => fetch(`${a.host}/api/v3/get-profile`, { headers: { authorization: token } });
    const refused = await profile(tb.access_token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toMatch(/another user pool/);
    expect((await profile(ta.access_token)).status).toBe(200);

    // The root serves the default pool: a pool's token is refused there too.
    expect((await fetch(`${t.url}/oidc/me`, { headers: { authorization: `Bearer ${ta.access_token}` } })).status).toBe(401);
  });

  it("pool A's token endpoint refuses pool B's application and refresh token", async () => {
    const tb = await signIn(b);
    const foreignClient = await form(`${a.issuer}/token`, { grant_type: 'refresh_token', client_id: b.app.appId, client_secret: b.app.secret, refresh_token: tb.refresh_token });
    expect(foreignClient.status).toBe(401);
    expect(await foreignClient.json()).toMatchObject({ error: 'invalid_client' });
    const foreignToken = await form(`${a.issuer}/token`, { grant_type: 'refresh_token', client_id: a.app.appId, client_secret: a.app.secret, refresh_token: tb.refresh_token });
    expect(foreignToken.status).toBe(400);
    // Control: at B's own address, B's refresh token is still good (the refusals spent nothing).
    const own = await form(`${b.issuer}/token`, { grant_type: 'refresh_token', client_id: b.app.appId, client_secret: b.app.secret, refresh_token: tb.refresh_token });
    expect(own.status).toBe(200);
    expect(decodeJwt(((await own.json()) as Tokens).access_token).iss).toBe(b.issuer);
  });

  it('the GenAuth SDK works against a pool with appHost <server>/pools/<poolId>', async () => {
    const client = sdk(a);
    const tokens = await signIn(a);
    // parseAccessToken and parseIDToken fetch the JWKS from appHost: the pool's own keys.
    expect(await client.parseAccessToken(tokens.access_token)).toMatchObject({ iss: a.issuer, sub: a.userId });
    expect(await client.parseIDToken(tokens.id_token)).toMatchObject({ iss: a.issuer, sub: a.userId });
    expect(await client.introspectToken(tokens.access_token)).toMatchObject({ active: true, sub: a.userId, iss: a.issuer });
    expect(await client.getUserInfoByAccessToken(tokens.access_token, { method: 'GET', tokenPlace: 'header' })).toMatchObject({ sub: a.userId });
    const profile = await sdk(a, a.app, { accessToken: tokens.access_token }).getProfile({});
    expect(profile).toMatchObject({ statusCode: 200, data: { userId: a.userId } });
    const next = await client.getNewAccessTokenByRefreshToken(tokens.refresh_token);
    expect(decodeJwt(next.access_token).iss).toBe(a.issuer);
    expect(await client.revokeToken(next.refresh_token)).toBe(true);
    expect(await client.introspectToken(next.access_token)).toEqual({ active: false });
    // Against the root (the default pool's address) the same application is unknown.
    const atRoot = new AuthenticationClient({ appId: a.app.appId, appSecret: a.app.secret, appHost: t.url, timeout: 30000 } as never);
    const refused = await atRoot.signInByUsernamePassword({ username: a.username, password: PASSWORD } as never).catch((error: { response?: { status: number } }) => error.response);
    expect((refused as { status?: number; statusCode?: number }).status ?? (refused as { statusCode?: number }).statusCode).toBe(401);
  });

  it("refresh tokens introspect only for their own client, also in another pool's address", async () => {
    const tokens = await signIn(a);
    expect(await sdk(a, a.second).introspectToken(tokens.refresh_token)).toEqual({ active: false });
    expect((await sdk(a).introspectToken(tokens.refresh_token)).active).toBe(true);
  });
});

describe("hosted sign-in per pool, judged by openid-client", () => {
  it("signs in at the pool's own /auth with the pool's issuer; logout and the back-channel logout token carry it too", async () => {
    const config = await oidc.discovery(new URL(a.issuer), a.app.appId, a.app.secret, undefined, { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(a.issuer);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK, scope: 'openid profile', state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    expect(url.toString().startsWith(`${a.issuer}/auth?`)).toBe(true);
    const agent = new Agent(t.url);
    const page = await agent.get(url.toString());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(formAction(html)).toBe(`/pools/${a.poolId}/oidc/auth/signin`);
    const answer = await agent.post(formAction(html), { form: hiddenForm(html), account: a.username, password: PASSWORD });
    const callback = new URL(answer.headers.get('location')!);
    expect(callback.searchParams.get('iss')).toBe(a.issuer);
    // openid-client checks iss (RFC 9207), the id token's signature against A's JWKS, its iss, aud and nonce.
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ iss: a.issuer, sub: a.userId, nonce });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, a.userId)).toMatchObject({ sub: a.userId });

    // The same person's browser at pool B's /auth with pool A's client: not an application of B.
    const foreign = await agent.get(url.toString().replace(a.issuer, b.issuer));
    expect(foreign.status).toBe(400);

    // RP-initiated logout at the pool's own end_session_endpoint, with the id token as hint.
    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: BYE });
    expect(logout.toString().startsWith(`${a.issuer}/session/end?`)).toBe(true);
    const done = await agent.get(logout.toString());
    expect(redirectParams(done).toString()).toBe('');
    expect(done.headers.get('location')).toBe(BYE);

    // The back-channel logout token is signed with A's key and names A's issuer.
    const sid = tokens.claims()!.sid;
    const tokenOf = (r: { body: string }) => new URLSearchParams(r.body).get('logout_token') ?? '';
    const [delivered] = await receiver.waitFor(1, 20_000, (r) => r.path === `/${a.poolId}` && decodeJwt(tokenOf(r)).sid === sid);
    const logoutToken = tokenOf(delivered);
    const jwksA = createRemoteJWKSet(new URL(`${a.issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(logoutToken, jwksA, { issuer: a.issuer, audience: a.app.appId, typ: 'logout+jwt' });
    expect(payload).toMatchObject({ sub: a.userId, sid });
  });

  it("a pool's hosted page refuses another pool's application; the default pool's root still serves its own", async () => {
    const defaultUser = await createUser(t);
    const defaultApp = await createApp(t, { redirectUris: [CALLBACK] });
    const config = await oidc.discovery(new URL(`${t.url}/oidc`), defaultApp.appId, defaultApp.secret, undefined, { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const params = { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: oidc.randomState() };
    const url = oidc.buildAuthorizationUrl(config, params);
    const agent = new Agent(t.url);
    expect((await agent.get(url.toString().replace(`${t.url}/oidc`, a.issuer))).status).toBe(400);
    const page = await agent.get(url.toString());
    const html = await page.text();
    const answer = await agent.post(formAction(html), { form: hiddenForm(html), account: defaultUser.username, password: PASSWORD });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(answer.headers.get('location')!), { pkceCodeVerifier: verifier, expectedState: params.state });
    expect(tokens.claims()).toMatchObject({ iss: `${t.url}/oidc`, sub: defaultUser.userId });
  });
});
