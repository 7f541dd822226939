import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';

const t = useTestServer();
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

describe('what only the client a token was issued to may learn or claim', () => {
  it('a refresh token introspects as active only for the client it was issued to; another client of the same pool gets active: false', async () => {
    const other = await createApp(t);
    const user = await createUser(t);
    const tokens = (await signIn(authClient(t, app), user.username)).data as { access_token: string; refresh_token: string };
    expect(await authClient(t, other).introspectToken(tokens.refresh_token)).toEqual({ active: false });
    // Control: its own client sees it alive, and the other client's refusal changed nothing.
    expect(await authClient(t, app).introspectToken(tokens.refresh_token)).toMatchObject({ active: true, token_type: 'refresh_token', client_id: app.appId });
  });

  it("options.clientIp is recorded from a confidential client only; a public client's claim is replaced by the request's address", async () => {
    const user = await createUser(t);
    const publicApp = await createApp(t, { appType: 'spa', oidcConfig: { token_endpoint_auth_method: 'none' } });
    const publicClient = authClient(t, { appId: publicApp.appId, secret: '' }, { tokenEndPointAuthMethod: 'none', appSecret: undefined });
    const claimed = { username: user.username, password: 'Correct-horse-1', options: { clientIp: '203.0.113.7' } };
    expect((await publicClient.signInByUsernamePassword(claimed as never)).statusCode).toBe(200);
    const afterPublic = await t.management.getUserLoginHistory({ userId: user.userId });
    expect(afterPublic.data.list[0]).toMatchObject({ appId: publicApp.appId, clientIp: '127.0.0.1', success: true });
    // Control: the same claim from a client that proved itself with its secret is believed.
    expect((await authClient(t, app).signInByUsernamePassword(claimed as never)).statusCode).toBe(200);
    const afterConfidential = await t.management.getUserLoginHistory({ userId: user.userId });
    expect(afterConfidential.data.list[0]).toMatchObject({ appId: app.appId, clientIp: '203.0.113.7', success: true });
  });
});
