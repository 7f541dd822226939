import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTestServer, useTestServer } from './helpers/server.js';
import { createApp, createUser } from './helpers/apps.js';
import { Agent, authorizeUrl, pkcePair, redirectParams, tokenRequest } from './helpers/hosted.js';
import { bearerCall, consoleSignIn } from './helpers/console.js';
import { runCli } from './helpers/cli.js';
import { addAdmin, removeAdmin } from '../src/services/administrators.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const t = useTestServer();

async function newAdmin() {
  const user = await createUser(t);
  await addAdmin(t.server.deps, undefined, user.email);
  return user;
}

describe('the console client', () => {
  it('is published per pool: client id, callback on the request origin, scopes', async () => {
    const answer = await fetch(`${t.url}/api/v3/console-config`).then((r) => r.json() as Promise<any>);
    expect(answer.statusCode).toBe(200);
    expect(answer.data).toMatchObject({ clientId: 'userpool-console', redirectUri: `${t.url}/console/callback`, postLogoutRedirectUri: `${t.url}/console`, scope: 'openid profile email', issuer: `${t.url}/oidc` });
    const unknown = await fetch(`${t.url}/api/v3/console-config?pool=nope`).then((r) => r.json() as Promise<any>);
    expect(unknown).toMatchObject({ statusCode: 404, apiCode: 2224 });
  });

  it('takes its callback only on the origin the browser came to, never elsewhere', async () => {
    const base = { client_id: 'userpool-console', response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
    const agent = new Agent(t.url);
    const foreign = await agent.get(authorizeUrl(t.url, { ...base, redirect_uri: 'https://evil.example.com/console/callback' }));
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    const control = await agent.get(authorizeUrl(t.url, { ...base, redirect_uri: `${t.url}/console/callback` }));
    expect(control.status).toBe(200);
  });

  it('is listed among the accessible applications of administrators only', async () => {
    const plain = await createUser(t);
    const admin = await newAdmin();
    const appsOf = async (userId: string) => ((await t.management.getUserAccessibleApps({ userId } as never)) as { data: Array<{ appId: string }> }).data.map((a) => a.appId);
    expect(await appsOf(admin.userId)).toContain('userpool-console');
    expect(await appsOf(plain.userId)).not.toContain('userpool-console');
  });

  it('is built in: its identifier is reserved and it cannot be deleted over the API', async () => {
    const taken = await t.management.createApplication({ appName: 'x', appIdentifier: 'userpool-console' } as never);
    expect(taken).toMatchObject({ statusCode: 400, apiCode: 4642 });
    const removed = await t.management.deleteApplication({ appId: 'userpool-console' });
    expect(removed).toMatchObject({ statusCode: 403, apiCode: 4642 });
    const other = await createApp(t);
    expect(await t.management.deleteApplication({ appId: other.appId })).toMatchObject({ statusCode: 200 });
  });
});

describe('the reserved namespace and admin role', () => {
  it('cannot be renamed or deleted over the API; other namespaces and roles can', async () => {
    const admin = await newAdmin();
    const refusals = [
      await t.management.deleteNamespace({ code: 'userpool' } as never),
      await t.management.deleteNamespacesBatch({ codeList: ['userpool'] } as never),
      await t.management.updateNamespace({ code: 'userpool', newCode: 'mine' } as never),
      await t.management.deleteRolesBatch({ codeList: ['admin'], namespace: 'userpool' } as never),
      await t.management.updateRole({ code: 'admin', namespace: 'userpool', newCode: 'boss' } as never),
    ];
    for (const refused of refusals) expect(refused).toMatchObject({ statusCode: 400, apiCode: 4642 });
    const { access_token } = await consoleSignIn(t, admin.email);
    expect((await bearerCall(t, access_token, 'GET', '/api/v3/whoami')).status).toBe(200);
    // Controls: an ordinary namespace and role go as usual, also inside the reserved namespace.
    const code = `ns${Date.now()}`;
    expect((await t.management.createNamespace({ code, name: code } as never)).statusCode).toBe(200);
    expect((await t.management.deleteNamespace({ code } as never)).statusCode).toBe(200);
    expect((await t.management.createRole({ code: 'auditor', namespace: 'userpool' } as never)).statusCode).toBe(200);
    expect((await t.management.deleteRolesBatch({ codeList: ['auditor'], namespace: 'userpool' } as never)).statusCode).toBe(200);
  });
});

describe('administrators calling the management API with their console token', () => {
  it('whoami names the administrator; with an access key it names the key', async () => {
    const admin = await newAdmin();
    const { access_token } = await consoleSignIn(t, admin.email);
    const me = await bearerCall(t, access_token, 'GET', '/api/v3/whoami');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ actorType: 'admin', user: { userId: admin.userId, email: admin.email, status: 'Activated' } });
    const key = await t.management.makeRequest({ method: 'GET', url: '/api/v3/whoami', params: {} });
    expect(key.data).toMatchObject({ actorType: 'access_key', accessKeyId: t.keyId });
    expect(key.data.poolId).toBe(me.body.data.poolId);
  });

  it('a write is audited with the person as the actor, not a key', async () => {
    const admin = await newAdmin();
    const { access_token } = await consoleSignIn(t, admin.email);
    const created = await bearerCall(t, access_token, 'POST', '/api/v3/create-user', { username: `made_by_admin_${Date.now()}` });
    expect(created.body.statusCode).toBe(200);
    const logs = await t.management.getAdminAuditLogs({ requestId: created.body.requestId } as never);
    expect(logs.data.list).toHaveLength(1);
    expect(logs.data.list[0]).toMatchObject({ action: 'create-user', adminUserId: admin.userId, actorType: 'admin', actorName: admin.email });
    // Control: a signed write names the access key.
    const signed = await t.management.createUser({ username: `made_by_key_${Date.now()}` } as never);
    const keyLogs = await t.management.getAdminAuditLogs({ requestId: signed.requestId } as never);
    expect(keyLogs.data.list[0]).toMatchObject({ adminUserId: t.keyId, actorType: 'access_key' });
  });

  it('refuses a signed-in person who is not an administrator (403), next to an administrator', async () => {
    const plain = await createUser(t);
    const admin = await newAdmin();
    const refused = await bearerCall(t, (await consoleSignIn(t, plain.email)).access_token, 'GET', '/api/v3/whoami');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, apiCode: 4640 });
    const control = await bearerCall(t, (await consoleSignIn(t, admin.email)).access_token, 'GET', '/api/v3/whoami');
    expect(control.status).toBe(200);
  });

  it("refuses an administrator's token issued to another application (403)", async () => {
    const admin = await newAdmin();
    const spa = await createApp(t, { appType: 'spa', redirectUris: ['http://localhost:5173/callback'] });
    const { verifier, challenge } = pkcePair();
    const agent = new Agent(t.url);
    const url = authorizeUrl(t.url, { client_id: spa.appId, redirect_uri: 'http://localhost:5173/callback', response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = redirectParams(await agent.signIn(url, admin.email, 'Correct-horse-1')).get('code')!;
    const other = await tokenRequest(t.url, { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:5173/callback', client_id: spa.appId, code_verifier: verifier });
    const refused = await bearerCall(t, other.body.access_token, 'GET', '/api/v3/whoami');
    expect(refused.status).toBe(403);
    expect(refused.body.apiCode).toBe(4641);
    const control = await bearerCall(t, (await consoleSignIn(t, admin.email)).access_token, 'GET', '/api/v3/whoami');
    expect(control.status).toBe(200);
  });

  it('is described in the OpenAPI document: a console token or a signature on every management route', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as any;
    expect(doc.components.securitySchemes.consoleToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v3/whoami'].get.security).toEqual([{ authingSignature: [] }, { consoleToken: [] }]);
    for (const route of ['preview-resignation', 'get-resignation-receipts', 'schedule-resignation', 'list-scheduled-resignations', 'cancel-scheduled-resignation']) {
      expect(doc.paths[`/api/v3/${route}`].post.security).toEqual([{ authingSignature: [] }, { consoleToken: [] }]);
    }
  });

  it('refuses a malformed token (401) and keeps refusing unsigned calls', async () => {
    const bad = await bearerCall(t, 'not.a.token', 'GET', '/api/v3/whoami');
    expect(bad.status).toBe(401);
    const none = await fetch(`${t.url}/api/v3/whoami`);
    expect(none.status).toBe(401);
  });

  it('stops at once when the admin role is revoked', async () => {
    const admin = await newAdmin();
    const { access_token } = await consoleSignIn(t, admin.email);
    expect((await bearerCall(t, access_token, 'GET', '/api/v3/whoami')).status).toBe(200);
    await removeAdmin(t.server.deps, undefined, admin.userId);
    const after = await bearerCall(t, access_token, 'GET', '/api/v3/whoami');
    expect(after.status).toBe(403);
    expect(after.body.apiCode).toBe(4640);
  });

  it('stops at once when the administrator is suspended or resigns', async () => {
    const suspended = await newAdmin();
    const resigned = await newAdmin();
    const a = (await consoleSignIn(t, suspended.email)).access_token;
    const b = (await consoleSignIn(t, resigned.email)).access_token;
    expect((await bearerCall(t, a, 'GET', '/api/v3/whoami')).status).toBe(200);
    expect((await bearerCall(t, b, 'GET', '/api/v3/whoami')).status).toBe(200);
    expect((await t.management.updateUser({ userId: suspended.userId, status: 'Suspended' } as never)).statusCode).toBe(200);
    expect((await t.management.resignUser({ userId: resigned.userId } as never)).statusCode).toBe(200);
    expect((await bearerCall(t, a, 'GET', '/api/v3/whoami')).status).toBe(401);
    const gone = await bearerCall(t, b, 'GET', '/api/v3/whoami');
    expect(gone.status).toBe(401);
    expect(gone.body.apiCode).toBe(4607);
  });

  it("one pool's administrator reaches only that pool", async () => {
    const other = await t.newPool();
    const created = await other.management.createUser({ username: `other_${Date.now()}` } as never);
    const admin = await newAdmin();
    const { access_token } = await consoleSignIn(t, admin.email);
    const read = await bearerCall(t, access_token, 'GET', `/api/v3/get-user?userId=${created.data.userId}`);
    expect(read.body.statusCode).toBe(404);
    const control = await bearerCall(t, access_token, 'GET', `/api/v3/get-user?userId=${admin.userId}`);
    expect(control.body).toMatchObject({ statusCode: 200, data: { userId: admin.userId } });
  });
});

describe('userpool admins', () => {
  it('adds, lists and removes an administrator; refuses an unknown user', async () => {
    const user = await createUser(t);
    const env = { DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64') };
    const added = await runCli(['admins', 'add', user.email], env);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(user.userId);
    const listed = await runCli(['admins', 'list'], env);
    expect(listed.stdout).toContain(`${user.userId}\t${user.email}`);
    const { access_token } = await consoleSignIn(t, user.email);
    expect((await bearerCall(t, access_token, 'GET', '/api/v3/whoami')).status).toBe(200);
    const removed = await runCli(['admins', 'remove', user.userId], env);
    expect(removed.code).toBe(0);
    expect((await runCli(['admins', 'list'], env)).stdout).not.toContain(user.userId);
    expect((await bearerCall(t, access_token, 'GET', '/api/v3/whoami')).status).toBe(403);
    const unknown = await runCli(['admins', 'add', 'nobody@example.com'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody@example.com');
    const logs = await t.management.getAdminAuditLogs({ targetId: user.userId, action: 'assign-admin-role' } as never);
    expect(logs.data.list[0]).toMatchObject({ adminUserId: 'cli', actorType: 'system' });
  });

  it('gives a pool made by `keys create --pool` its console client at once', async () => {
    const env = { DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64') };
    const name = `acme-${Date.now()}`;
    const before = await fetch(`${t.url}/api/v3/console-config?pool=${name}`).then((r) => r.json() as Promise<any>);
    expect(before.statusCode).toBe(404);
    expect((await runCli(['keys', 'create', '--pool', name], env)).code).toBe(0);
    const after = await fetch(`${t.url}/api/v3/console-config?pool=${name}`).then((r) => r.json() as Promise<any>);
    expect(after).toMatchObject({ statusCode: 200, data: { poolName: name } });
    expect(after.data.clientId).toMatch(/^[0-9a-f]{24}$/);
    expect(after.data.issuer).toBe(`${t.url}/pools/${after.data.poolId}/oidc`);
  });
});

describe('PUBLIC_URL', () => {
  it('registers the console callback there and publishes it; a URL with a path is refused at start-up', async () => {
    const behind = await startTestServer({ PUBLIC_URL: 'https://id.example.com' });
    try {
      const config = await fetch(`${behind.url}/api/v3/console-config`).then((r) => r.json() as Promise<any>);
      expect(config.data).toMatchObject({ redirectUri: 'https://id.example.com/console/callback', postLogoutRedirectUri: 'https://id.example.com/console' });
      const base = { client_id: 'userpool-console', response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
      const agent = new Agent(behind.url);
      expect((await agent.get(authorizeUrl(behind.url, { ...base, redirect_uri: 'https://id.example.com/console/callback' }))).status).toBe(200);
      expect((await agent.get(authorizeUrl(behind.url, { ...base, redirect_uri: 'https://other.example.com/console/callback' }))).status).toBe(400);
    } finally {
      await behind.close();
    }
    expect(() => loadConfig({ PUBLIC_URL: 'https://id.example.com/auth', USERPOOL_MASTER_KEY: randomBytes(32).toString('base64') })).toThrow(/^PUBLIC_URL must be an http\(s\) origin/);
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.com', USERPOOL_MASTER_KEY: randomBytes(32).toString('base64') }).policy.publicUrl).toBe('https://id.example.com');
  });
});
