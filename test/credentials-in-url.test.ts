import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestServer, managementClient, type TestServer } from './helpers/server.js';
import { startCliServer } from './helpers/cli.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { authClient, createApp, createUser, signIn, uniq } from './helpers/apps.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

type Tokens = { access_token: string; refresh_token: string };

async function signedIn(): Promise<Tokens> {
  const user = await createUser(t);
  const answer = await signIn(authClient(t, app), user.username);
  expect(answer.statusCode).toBe(200);
  return answer.data as Tokens;
}

const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();
const formPost = (url: string, body: Record<string, string> | undefined) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body ? qs(body) : '' });

async function introspect(token: string) {
  const answer = await formPost(`${t.url}/oidc/token/introspection`, { client_id: app.appId, client_secret: app.secret, token });
  return (await answer.json()) as { active: boolean };
}

describe('credentials and tokens in the query string', () => {
  it('the token endpoint refuses client credentials and a refresh token in the query, naming the parameter; the same in the body works', async () => {
    const tokens = await signedIn();
    const params = { grant_type: 'refresh_token', client_id: app.appId, client_secret: app.secret, refresh_token: tokens.refresh_token };
    const refused = await formPost(`${t.url}/oidc/token?${qs(params)}`, undefined);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/^client_id: .*query string/);
    // Only the refresh token in the query, the client in the body: refused by that name.
    const onlyToken = await formPost(`${t.url}/oidc/token?refresh_token=${encodeURIComponent(tokens.refresh_token)}`, { grant_type: 'refresh_token', client_id: app.appId, client_secret: app.secret });
    expect(onlyToken.status).toBe(400);
    expect(((await onlyToken.json()) as { error_description: string }).error_description).toMatch(/^refresh_token: /);
    // Control: the refused requests spent nothing; the same parameters in the body are answered.
    const accepted = await formPost(`${t.url}/oidc/token`, params);
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as Tokens).access_token).toBeTruthy();
  });

  it('introspection and revocation refuse the token and the client in the query; the refused revocation ends nothing', async () => {
    const tokens = await signedIn();
    const inQuery = await formPost(`${t.url}/oidc/token/introspection?${qs({ token: tokens.access_token })}`, { client_id: app.appId, client_secret: app.secret });
    expect(inQuery.status).toBe(400);
    expect(await inQuery.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^token: /) });
    const secretInQuery = await formPost(`${t.url}/oidc/token/introspection?${qs({ client_secret: app.secret })}`, { client_id: app.appId, token: tokens.access_token });
    expect(secretInQuery.status).toBe(400);
    expect(await secretInQuery.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^client_secret: /) });

    const revokeInQuery = await formPost(`${t.url}/oidc/token/revocation?${qs({ token: tokens.refresh_token })}`, { client_id: app.appId, client_secret: app.secret });
    expect(revokeInQuery.status).toBe(400);
    expect(await revokeInQuery.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^token: /) });
    expect((await introspect(tokens.refresh_token)).active).toBe(true);
    // Control: in the body, revocation works.
    expect((await formPost(`${t.url}/oidc/token/revocation`, { client_id: app.appId, client_secret: app.secret, token: tokens.refresh_token })).status).toBe(200);
    expect((await introspect(tokens.access_token)).active).toBe(false);
  });

  it('userinfo refuses access_token in the query (GET and POST); the header and the form body work', async () => {
    const tokens = await signedIn();
    for (const method of ['GET', 'POST']) {
      const refused = await fetch(`${t.url}/oidc/me?access_token=${tokens.access_token}`, { method });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^access_token: .*authorization header/) });
    }
    // Even alongside a good header: the token already went into a URL.
    const both = await fetch(`${t.url}/oidc/me?access_token=${tokens.access_token}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(both.status).toBe(400);
    expect((await fetch(`${t.url}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    expect((await formPost(`${t.url}/oidc/me`, { access_token: tokens.access_token })).status).toBe(200);
  });

  it("the end user's own endpoints refuse access_token in the query with an envelope naming it", async () => {
    const tokens = await signedIn();
    const refused = await fetch(`${t.url}/api/v3/get-profile?access_token=${tokens.access_token}`, { headers: { 'x-authing-app-id': app.appId } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^invalid_request: access_token: /) });
    const withHeader = await fetch(`${t.url}/api/v3/get-profile?access_token=${tokens.access_token}`, { headers: { authorization: tokens.access_token } });
    expect(withHeader.status).toBe(400);
    // Control: the header alone, as the SDK sends it.
    const profile = await authClient(t, app, { accessToken: tokens.access_token }).getProfile({});
    expect(profile.statusCode).toBe(200);
  });

  it('password sign-in refuses the client secret in the query', async () => {
    const user = await createUser(t);
    const body = JSON.stringify({ connection: 'PASSWORD', passwordPayload: { username: user.username, password: 'Correct-horse-1' }, client_id: app.appId });
    const refused = await fetch(`${t.url}/api/v3/signin?client_secret=${encodeURIComponent(app.secret)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: 400, message: expect.stringMatching(/client_secret: /) });
    // Control: the SDK's own sign-in, the secret in the JSON body.
    expect((await signIn(authClient(t, app), user.username)).statusCode).toBe(200);
  });
});

describe('the request log', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('never writes the query string of the token, introspection, userinfo and end-user endpoints; other query strings stay', async () => {
    const keyId = `log-${randomBytes(6).toString('hex')}`;
    const secret = randomBytes(24).toString('base64url');
    const server = await startCliServer({
      DATABASE_URL: database.url, USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'), PORT: '0', LOG_LEVEL: 'info',
      USERPOOL_ACCESS_KEY_ID: keyId, USERPOOL_ACCESS_KEY_SECRET: secret,
    });
    let appSecret = '';
    let tokens: Tokens | undefined;
    let marker = '';
    try {
      const management = managementClient(server.url, keyId, secret);
      const created = await management.createApplication({ appName: `Log ${uniq()}`, appIdentifier: `log-${uniq()}` } as never);
      const appId = created.data.appId as string;
      appSecret = (await management.getApplicationSecret({ appId })).data.secret as string;
      const username = `log_${uniq()}`;
      await management.createUser({ username, password: 'Correct-horse-1' } as never);
      const client = authClient({ url: server.url } as TestServer, { appId, secret: appSecret });
      tokens = (await signIn(client, username)).data as Tokens;
      const query = qs({ grant_type: 'refresh_token', client_id: appId, client_secret: appSecret, refresh_token: tokens.refresh_token });
      expect((await fetch(`${server.url}/oidc/token?${query}`, { method: 'POST' })).status).toBe(400);
      expect((await fetch(`${server.url}/oidc/token/introspection?${query}`, { method: 'POST' })).status).toBe(400);
      expect((await fetch(`${server.url}/oidc/me?access_token=${tokens.access_token}`)).status).toBe(400);
      expect((await fetch(`${server.url}/api/v3/get-profile?access_token=${tokens.access_token}`)).status).toBe(400);
      // Control: a management read keeps its query string in the log.
      marker = `marker${uniq()}`;
      await management.getUser({ userId: marker } as never);
    } finally {
      await server.stop();
    }
    const output = server.output();
    expect(output).toContain('/oidc/token?[redacted]');
    expect(output).toContain('/oidc/me?[redacted]');
    expect(output).toContain('/api/v3/get-profile?[redacted]');
    expect(output).not.toContain(appSecret);
    expect(output).not.toContain(tokens!.refresh_token);
    expect(output).not.toContain(tokens!.access_token);
    expect(output).toContain(`/api/v3/get-user?userId=${marker}`);
  });
});
