import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, uniq } from './helpers/apps.js';
import { Agent, authorizeUrl, hiddenForm, pkcePair, redirectParams, tokenRequest } from './helpers/hosted.js';

const t = useTestServer();
const CALLBACK = 'https://rp.example.com/callback';
let web: { appId: string; secret: string };
let spa: { appId: string; secret: string };

beforeAll(async () => {
  web = await createApp(t, { redirectUris: [CALLBACK], logoutRedirectUris: ['https://rp.example.com/bye'] });
  spa = await createApp(t, { appType: 'spa', redirectUris: ['http://localhost:5173/callback'] });
});

const webUrl = (extra: Record<string, string | undefined> = {}) =>
  authorizeUrl(t.url, { client_id: web.appId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile email', state: 'st-1', nonce: 'n-1', ...extra });

async function codeFor(agent: Agent, url: string, account: string, password = 'Correct-horse-1') {
  const answer = await agent.signIn(url, account, password);
  const params = redirectParams(answer);
  expect(params.get('error')).toBeNull();
  return params;
}

describe('authorization code flow through the hosted page', () => {
  it('signs in on the page and exchanges the code for tokens carrying nonce, auth_time, at_hash and sid', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    const params = await codeFor(agent, webUrl(), user.email);
    expect(params.get('state')).toBe('st-1');
    expect(params.get('iss')).toBe(`${t.url}/oidc`);
    const { status, body } = await tokenRequest(t.url, { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: CALLBACK, client_id: web.appId, client_secret: web.secret });
    expect(status).toBe(200);
    const id = decodeJwt(body.id_token);
    expect(id).toMatchObject({ sub: user.userId, nonce: 'n-1', aud: web.appId, iss: `${t.url}/oidc`, email: user.email });
    expect(typeof id.auth_time).toBe('number');
    expect(typeof id.at_hash).toBe('string');
    expect(typeof id.sid).toBe('string');
    const client = authClient(t, web);
    expect(await client.introspectToken(body.access_token)).toMatchObject({ active: true, sub: user.userId });
  });

  it('a public (spa) client gets tokens with PKCE S256 and no secret; without the verifier it gets nothing', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(t.url, { client_id: spa.appId, redirect_uri: 'http://localhost:5173/callback', response_type: 'code', scope: 'openid profile offline_access', code_challenge: challenge, code_challenge_method: 'S256', state: 's' });
    const params = await codeFor(agent, url, user.username);
    const base = { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: 'http://localhost:5173/callback', client_id: spa.appId };
    const without = await tokenRequest(t.url, base);
    expect(without).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const wrong = await tokenRequest(t.url, { ...base, code_verifier: pkcePair().verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // A refused exchange does not use the code up: the right verifier still gets the tokens.
    const ok = await tokenRequest(t.url, { ...base, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toBeTruthy();
  });

  it('refuses a public client without PKCE, and plain PKCE, at the redirect_uri', async () => {
    const base = { client_id: spa.appId, redirect_uri: 'http://localhost:5173/callback', response_type: 'code', scope: 'openid', state: 'x' };
    const agent = new Agent(t.url);
    const missing = redirectParams(await agent.get(authorizeUrl(t.url, base)));
    expect(missing.get('error')).toBe('invalid_request');
    expect(missing.get('state')).toBe('x');
    const plain = redirectParams(await agent.get(authorizeUrl(t.url, { ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })));
    expect(plain.get('error')).toBe('invalid_request');
    const control = await agent.get(authorizeUrl(t.url, { ...base, ...{ code_challenge: pkcePair().challenge, code_challenge_method: 'S256' } }));
    expect(control.status).toBe(200);
  });

  it('shows an unregistered redirect_uri an error page and never redirects to it', async () => {
    const agent = new Agent(t.url);
    const foreign = await agent.get(webUrl({ redirect_uri: 'https://evil.example.com/callback' }));
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    expect(await foreign.text()).toContain('not registered');
    const unknown = await agent.get(webUrl({ client_id: 'ffffffffffffffffffffffff' }));
    expect(unknown.status).toBe(400);
    const control = await agent.get(webUrl());
    expect(control.status).toBe(200);
    expect(control.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('a replayed code is refused and revokes the tokens issued from it', async () => {
    const user = await createUser(t);
    const params = await codeFor(new Agent(t.url), webUrl(), user.email);
    const form = { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: CALLBACK, client_id: web.appId, client_secret: web.secret };
    const first = await tokenRequest(t.url, form);
    expect(first.status).toBe(200);
    const client = authClient(t, web);
    expect((await client.introspectToken(first.body.access_token)).active).toBe(true);
    const replay = await tokenRequest(t.url, form);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await client.introspectToken(first.body.access_token)).active).toBe(false);
  });

  it('a wrong password shows the page again with one message for unknown and known accounts alike', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    const wrong = await agent.signIn(webUrl(), user.email, 'Wrong-password-1');
    expect(wrong.status).toBe(200);
    const wrongHtml = await wrong.text();
    const unknown = await agent.signIn(webUrl(), `nobody_${uniq()}@example.com`, 'Wrong-password-1');
    const unknownHtml = await unknown.text();
    const message = (html: string) => /role="alert"[^>]*>([^<]+)</.exec(html)?.[1];
    expect(message(wrongHtml)).toBe('The account or password is wrong.');
    expect(message(unknownHtml)).toBe(message(wrongHtml));
    const control = await codeFor(agent, webUrl(), user.email);
    expect(control.get('code')).toBeTruthy();
  });

  it('speaks Chinese to a browser that prefers it', async () => {
    const page = await new Agent(t.url).get(webUrl(), { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    const html = await page.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('密码');
    expect(html).toContain('autocomplete="username"');
    expect(html).toContain('autocomplete="current-password"');
  });

  it('refuses a form posted from another browser (CSRF) and accepts it from its own', async () => {
    const user = await createUser(t);
    const victim = new Agent(t.url);
    const attacker = new Agent(t.url);
    const html = await (await attacker.get(webUrl())).text();
    await victim.get(webUrl());
    const forged = await victim.post('/oidc/auth/signin', { form: hiddenForm(html), account: user.email, password: 'Correct-horse-1' });
    expect(forged.status).toBe(400);
    const own = await attacker.post('/oidc/auth/signin', { form: hiddenForm(html), account: user.email, password: 'Correct-horse-1' });
    expect(redirectParams(own).get('code')).toBeTruthy();
  });
});

describe('response modes, max_age and consent', () => {
  it('response_mode=form_post answers with a page that posts code and state to the redirect_uri', async () => {
    const user = await createUser(t);
    const answer = await new Agent(t.url).signIn(webUrl({ response_mode: 'form_post' }), user.email, 'Correct-horse-1');
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expect(html).toContain(`<form method="post" action="${CALLBACK}">`);
    expect(html).toMatch(/name="code" value="[A-Za-z0-9_-]{43}"/);
    expect(html).toContain('name="state" value="st-1"');
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).toContain('form-action https://rp.example.com');
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    const query = await new Agent(t.url).signIn(webUrl(), user.email, 'Correct-horse-1');
    expect(redirectParams(query).get('code')).toBeTruthy();
  });

  it('max_age=0 asks for the password again even with a live session; without max_age the session answers', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    await codeFor(agent, webUrl(), user.email);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await agent.get(webUrl({ max_age: '0' }));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('autocomplete="current-password"');
    expect(redirectParams(await agent.get(webUrl())).get('code')).toBeTruthy();
  });

  it('denying consent sends access_denied; allowing it sends a code', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    await codeFor(agent, webUrl(), user.email);
    const asked = await agent.get(webUrl({ prompt: 'consent' }));
    const html = await asked.text();
    expect(html).toContain('value="deny"');
    const denied = redirectParams(await agent.post('/oidc/auth/consent', { form: hiddenForm(html), decision: 'deny' }));
    expect(denied.get('error')).toBe('access_denied');
    const html2 = await (await agent.get(webUrl({ prompt: 'consent' }))).text();
    const allowed = redirectParams(await agent.post('/oidc/auth/consent', { form: hiddenForm(html2), decision: 'allow' }));
    expect(allowed.get('code')).toBeTruthy();
  });

  it('refuses a code at a redirect_uri other than the one it was issued for', async () => {
    const user = await createUser(t);
    const params = await codeFor(new Agent(t.url), webUrl(), user.email);
    const other = await tokenRequest(t.url, { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: 'https://rp.example.com/other', client_id: web.appId, client_secret: web.secret });
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const right = await tokenRequest(t.url, { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: CALLBACK, client_id: web.appId, client_secret: web.secret });
    expect(right.status).toBe(200);
  });
});

describe('the provider session', () => {
  it('signs in to a second application without the form, and prompt=login forces it', async () => {
    const user = await createUser(t);
    const other = await createApp(t, { redirectUris: ['https://two.example.com/cb'] });
    const agent = new Agent(t.url);
    await codeFor(agent, webUrl(), user.email);
    expect(agent.jar.get('userpool_session')).toBeTruthy();
    const sso = await agent.get(authorizeUrl(t.url, { client_id: other.appId, redirect_uri: 'https://two.example.com/cb', response_type: 'code', scope: 'openid' }));
    // The new application has not been granted anything yet: the consent page, not the form.
    expect(sso.status).toBe(200);
    const consentHtml = await sso.text();
    expect(consentHtml).toContain('value="allow"');
    const granted = redirectParams(await agent.post('/oidc/auth/consent', { form: hiddenForm(consentHtml), decision: 'allow' }));
    expect(granted.get('code')).toBeTruthy();
    const again = await agent.get(authorizeUrl(t.url, { client_id: other.appId, redirect_uri: 'https://two.example.com/cb', response_type: 'code', scope: 'openid' }));
    expect(redirectParams(again).get('code')).toBeTruthy();
    const forced = await agent.get(webUrl({ prompt: 'login' }));
    expect(forced.status).toBe(200);
    expect(await forced.text()).toContain('autocomplete="current-password"');
  });

  it('prompt=none answers login_required without a session and a code with one', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    const none = redirectParams(await agent.get(webUrl({ prompt: 'none' })));
    expect(none.get('error')).toBe('login_required');
    await codeFor(agent, webUrl(), user.email);
    const silent = redirectParams(await agent.get(webUrl({ prompt: 'none' })));
    expect(silent.get('code')).toBeTruthy();
  });

  it('dies when its user is resigned: the page answers again, and the resigned user cannot sign in on it', async () => {
    const user = await createUser(t);
    const agent = new Agent(t.url);
    await codeFor(agent, webUrl(), user.email);
    expect(redirectParams(await agent.get(webUrl({ prompt: 'none' }))).get('code')).toBeTruthy();
    expect((await t.management.resignUser({ userId: user.userId } as never)).statusCode).toBe(200);
    expect(redirectParams(await agent.get(webUrl({ prompt: 'none' }))).get('error')).toBe('login_required');
    const refused = await agent.signIn(webUrl(), user.email, 'Correct-horse-1');
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('can no longer sign in');
  });
});

describe('application fields for hosted sign-in', () => {
  it('stores redirect and logout URIs, initLoginUri and the back-channel URI, and makes spa and native apps public clients', async () => {
    const created = await t.management.createApplication({
      appName: 'Native', appIdentifier: `native-${uniq()}`, appType: 'native', redirectUris: ['com.example.app:/callback'],
      logoutRedirectUris: ['com.example.app:/bye'], initLoginUri: 'https://native.example.com/start',
      oidcConfig: { backchannel_logout_uri: 'https://native.example.com/backchannel' },
    } as never);
    expect(created.statusCode).toBe(200);
    expect(created.data).toMatchObject({
      redirectUris: ['com.example.app:/callback'], logoutRedirectUris: ['com.example.app:/bye'], initLoginUri: 'https://native.example.com/start',
      oidcConfig: { token_endpoint_auth_method: 'none', backchannel_logout_uri: 'https://native.example.com/backchannel' },
    });
    const updated = await t.management.updateApplication({ appId: created.data.appId, oidcConfig: { token_endpoint_auth_method: 'client_secret_basic' } } as never);
    expect(updated.statusCode).toBe(200);
    const read = await t.management.getApplication({ appId: created.data.appId });
    expect(read.data.oidcConfig).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', backchannel_logout_uri: 'https://native.example.com/backchannel' });
    const webApp = await t.management.getApplication({ appId: web.appId });
    expect(webApp.data.oidcConfig).toMatchObject({ token_endpoint_auth_method: 'client_secret_post' });
  });

  it('refuses a redirect URI that is relative or has a fragment, naming the field, and writes nothing', async () => {
    const relative = await t.management.createApplication({ appName: 'Bad', appIdentifier: `bad-${uniq()}`, redirectUris: ['https://ok.example.com/cb', '/callback'] } as never);
    expect(relative).toMatchObject({ statusCode: 400 });
    expect(relative.message).toContain('redirectUris[1]');
    const fragment = await t.management.updateApplication({ appId: web.appId, redirectUris: ['https://rp.example.com/cb#x'] } as never);
    expect(fragment).toMatchObject({ statusCode: 400 });
    expect(fragment.message).toContain('redirectUris[0]');
    const backchannel = await t.management.updateApplication({ appId: web.appId, oidcConfig: { backchannel_logout_uri: 'ftp://x.example.com/' } } as never);
    expect(backchannel.statusCode).toBe(400);
    expect((await t.management.getApplication({ appId: web.appId })).data.redirectUris).toEqual([CALLBACK]);
  });
});

describe('pruning what hosted sign-in leaves behind', () => {
  it('removes codes and provider sessions a day past their end, and keeps live ones', async () => {
    const { pruneExpired } = await import('../src/services/retention.js');
    const user = await createUser(t);
    const agent = new Agent(t.url);
    await codeFor(agent, webUrl(), user.email);
    const db = t.server.deps.db;
    const count = async () => ({
      codes: (await db.selectFrom('authorization_codes').select('id').where('user_id', '=', user.userId).execute()).length,
      sessions: (await db.selectFrom('provider_sessions').select('id').where('user_id', '=', user.userId).execute()).length,
    });
    expect(await count()).toEqual({ codes: 1, sessions: 1 });
    await pruneExpired(t.server.deps);
    expect(await count()).toEqual({ codes: 1, sessions: 1 });
    // Two days later both are long over.
    await pruneExpired(t.server.deps, Date.now() + 2 * 86_400_000 + t.server.deps.policy.hostedSessionSeconds * 1000);
    expect(await count()).toEqual({ codes: 0, sessions: 0 });
  });
});
