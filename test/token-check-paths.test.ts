import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn } from './helpers/apps.js';

// An application introspecting its own access token a second time is answered from one query
// (the session, its user and the application together). These prove that path refuses exactly
// what the two-query path refuses, at once.

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

async function signedIn(target = app) {
  const user = await createUser(t, { name: 'Ada' });
  const client = authClient(t, target);
  const answer = await signIn(client, user.username);
  expect(answer.statusCode).toBe(200);
  const tokens = answer.data as { access_token: string };
  // The first introspection verifies the signature; the next ones take the one-query path.
  expect((await client.introspectToken(tokens.access_token)).active).toBe(true);
  return { user, client, token: tokens.access_token };
}

const introspectRaw = (token: string, clientId: string, secret: string) =>
  fetch(`${t.url}/oidc/token/introspection`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ token }).toString(),
  });

describe('introspection of an application\'s own token', () => {
  it('still refuses a wrong client secret with 401 invalid_client; control: the right one answers active', async () => {
    const { token } = await signedIn();
    const wrong = await introspectRaw(token, app.appId, `${app.secret}x`);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
    const right = await introspectRaw(token, app.appId, app.secret);
    expect(right.status).toBe(200);
    expect(((await right.json()) as { active: boolean }).active).toBe(true);
  });

  it('takes a refreshed application secret at once: the old one is refused, the new one works', async () => {
    const own = await createApp(t);
    const { token } = await signedIn(own);
    const refreshed = await t.management.refreshApplicationSecret({ appId: own.appId });
    expect(refreshed.statusCode).toBe(200);
    const secret = (refreshed.data as { secret: string }).secret;
    expect((await introspectRaw(token, own.appId, own.secret)).status).toBe(401);
    expect(((await (await introspectRaw(token, own.appId, secret)).json()) as { active: boolean }).active).toBe(true);
  });

  it('answers inactive at once after resignation, a kick, a suspension and withdrawn access; control: another user stays active', async () => {
    const control = await signedIn();
    const resigned = await signedIn();
    const kicked = await signedIn();
    const suspended = await signedIn();
    expect((await t.management.resignUser({ userId: resigned.user.userId } as never)).statusCode).toBe(200);
    expect((await t.management.kickUsers({ userId: kicked.user.userId, appIds: [app.appId] })).statusCode).toBe(200);
    expect((await t.management.updateUser({ userId: suspended.user.userId, status: 'Suspended' } as never)).statusCode).toBe(200);
    for (const gone of [resigned, kicked, suspended]) {
      expect(await gone.client.introspectToken(gone.token)).toEqual({ active: false });
      expect(await httpStatusOf(gone.client.getUserInfoByAccessToken(gone.token, { method: 'GET', tokenPlace: 'header' }))).toBe(401);
    }
    expect((await control.client.introspectToken(control.token)).active).toBe(true);
    expect(await control.client.getUserInfoByAccessToken(control.token, { method: 'GET', tokenPlace: 'header' })).toMatchObject({ sub: control.user.userId, name: 'Ada' });
  });

  it('another application of the pool introspecting the token authenticates as itself, and a wrong secret is still refused', async () => {
    const { token } = await signedIn();
    const other = await createApp(t);
    expect((await introspectRaw(token, other.appId, `${other.secret}x`)).status).toBe(401);
    const answer = await introspectRaw(token, other.appId, other.secret);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { active: boolean; client_id: string })).toMatchObject({ active: true, client_id: app.appId });
  });
});
