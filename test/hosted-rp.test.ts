import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { createApp, createUser } from './helpers/apps.js';
import { Agent, formAction, hiddenForm } from './helpers/hosted.js';
import { startRpApp, type RpApp } from './helpers/rp-app.js';

const t = useTestServer();
let rp: RpApp;
let app: { appId: string; secret: string };

beforeAll(async () => {
  rp = await startRpApp({ appHost: t.url, appId: () => app.appId, appSecret: () => app.secret });
  app = await createApp(t, { redirectUris: [`${rp.url}/callback`], logoutRedirectUris: [`${rp.url}/bye`] });
});
afterAll(async () => {
  await rp?.close();
});

/** Follows redirects by hand through the RP and the provider, filling in the sign-in form once. */
async function browse(agent: Agent, start: string, account: string, password = 'Correct-horse-1') {
  let response = await agent.get(start);
  for (let hops = 0; hops < 10; hops++) {
    if ([301, 302, 303].includes(response.status)) {
      response = await agent.get(new URL(response.headers.get('location')!, response.url || start).toString());
      continue;
    }
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/html')) {
      const html = await response.text();
      if (!html.includes('autocomplete="current-password"')) throw new Error(`unexpected page: ${html.slice(0, 500)}`);
      response = await agent.post(formAction(html), { form: hiddenForm(html), account, password });
      continue;
    }
    return { status: response.status, body: await response.json() };
  }
  throw new Error('too many redirects');
}

describe('relying parties nobody here wrote', () => {
  it('the SDK: loginWithRedirect, the page, handleRedirectCallback, parseIDToken, then buildLogoutUrl', async () => {
    const user = await createUser(t, { name: 'Ada' });
    const agent = new Agent(t.url);
    const signedIn = await browse(agent, `${rp.url}/login`, user.username);
    expect(signedIn.body).toEqual({ signedIn: user.userId, name: 'Ada' });
    expect(rp.last!.idToken).toMatchObject({ sub: user.userId, aud: app.appId });
    expect(rp.last!.tokens.refresh_token).toBeTruthy();
    expect((await rp.client.introspectToken(rp.last!.tokens.access_token)).active).toBe(true);
    const out = await browse(agent, `${rp.url}/logout`, user.username);
    expect(out.body).toEqual({ signedOut: true, state: 'bye-state' });
    expect((await rp.client.introspectToken(rp.last!.tokens.access_token)).active).toBe(false);
    expect((await rp.client.introspectToken(rp.last!.tokens.refresh_token)).active).toBe(false);
  });

  it('logout to an unregistered URI is refused on a page; the registered one redirects', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    await browse(agent, `${rp.url}/login`, user.username);
    const idToken = rp.last!.tokens.id_token;
    const foreign = await agent.get(`/oidc/session/end?id_token_hint=${idToken}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example.com/')}`);
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    expect((await rp.client.introspectToken(rp.last!.tokens.access_token)).active).toBe(true);
    const control = await agent.get(`/oidc/session/end?id_token_hint=${idToken}&post_logout_redirect_uri=${encodeURIComponent(`${rp.url}/bye`)}&state=s1`);
    expect(control.status).toBe(302);
    expect(control.headers.get('location')).toBe(`${rp.url}/bye?state=s1`);
    expect((await rp.client.introspectToken(rp.last!.tokens.access_token)).active).toBe(false);
  });

  it('openid-client: discovery, PKCE, authorizationCodeGrant with state and nonce checks, then clientCredentialsGrant', async () => {
    const user = await createUser(t);
    const redirect = 'https://rp.example.org/cb';
    const confidential = await createApp(t, { redirectUris: [redirect] });
    const config = await oidc.discovery(new URL(`${t.url}/oidc`), confidential.appId, confidential.secret, undefined, { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirect, scope: 'openid email', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const agent = new Agent(t.url);
    const page = await agent.get(url.toString());
    const html = await page.text();
    const answer = await agent.post(formAction(html), { form: hiddenForm(html), account: user.email, password: 'Correct-horse-1' });
    const callback = new URL(answer.headers.get('location')!);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ sub: user.userId, email: user.email, nonce });
    const wrongVerifier = oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state, expectedNonce: nonce });
    await expect(wrongVerifier).rejects.toThrow();

    const machine = await oidc.clientCredentialsGrant(config, { scope: 'reports:read' });
    expect(machine.access_token).toBeTruthy();
    expect(machine.id_token).toBeUndefined();
    const introspected = await oidc.tokenIntrospection(config, machine.access_token);
    expect(introspected).toMatchObject({ active: true, sub: confidential.appId, scope: 'reports:read' });
  });

  it('openid-client as a public client: PKCE with no secret works; client_credentials is refused to it', async () => {
    const user = await createUser(t);
    const redirect = 'http://localhost:5174/callback';
    const spa = await createApp(t, { appType: 'spa', redirectUris: [redirect] });
    const config = await oidc.discovery(new URL(`${t.url}/oidc`), spa.appId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const agent = new Agent(t.url);
    const html = await (await agent.get(url.toString())).text();
    const answer = await agent.post(formAction(html), { form: hiddenForm(html), account: user.username, password: 'Correct-horse-1' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(answer.headers.get('location')!), { pkceCodeVerifier: verifier, idTokenExpected: true });
    expect(tokens.claims()?.sub).toBe(user.userId);
    await expect(oidc.clientCredentialsGrant(config, {})).rejects.toMatchObject({ error: 'unauthorized_client' });
  });
});
