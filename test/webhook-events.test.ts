import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { useTestServer } from './helpers/server.js';
import { startReceiver, type Received } from './helpers/receiver.js';
import { ok } from './helpers/fixtures.js';
import { AuthenticationClient } from 'authing-node-sdk';
import { authClient, createApp, signIn, uniq } from './helpers/apps.js';
import { Agent, authorizeUrl, redirectParams } from './helpers/hosted.js';

/**
 * One test per family of events: each change is made through the official SDK, and every
 * request the real receiver gets must verify with the `standardwebhooks` package under the
 * webhook's secret (and fail under another). A refused write sends nothing.
 */

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
const t = useTestServer({ DELIVERY_POLL_MS: '50', DELIVERY_TIMEOUT_MS: '2000' });

export interface Event {
  eventName: string;
  eventId: string;
  userPoolId: string;
  requestId: string | null;
  data: Record<string, any>;
}

interface Hook {
  path: string;
  secret: string;
  /** Waits for exactly `count` events (and a moment for any extra one), each verified with the secret. */
  events(count: number): Promise<Event[]>;
}

async function subscribe(events: string[]): Promise<Hook> {
  const path = `/events-${uniq()}`;
  const created = ok<{ secret: string }>(
    await t.management.createWebhook({ name: `events ${uniq()}`, url: receiver.url + path, contentType: 'application/json', events } as never),
    'create-webhook');
  return {
    path,
    secret: created.secret,
    async events(count) {
      await receiver.waitFor(count, 20_000, (r) => r.path === path);
      await new Promise((r) => setTimeout(r, 400));
      const got = receiver.received.filter((r) => r.path === path);
      return got.map((request) => verified(request, created.secret));
    },
  };
}

function verified(request: Received, secret: string): Event {
  const headers = request.headers as Record<string, string>;
  // Control first: another secret does not verify the request.
  expect(() => new StandardWebhook('another-secret-entirely', { format: 'raw' }).verify(request.body, headers)).toThrow(/No matching signature/);
  return new StandardWebhook(secret, { format: 'raw' }).verify(request.body, headers) as Event;
}

const named = (events: Event[], name: string) => events.filter((e) => e.eventName === name);
const one = (events: Event[], name: string) => {
  const found = named(events, name);
  expect(found, name).toHaveLength(1);
  return found[0];
};

async function person(prefix = 'ev') {
  const s = uniq();
  return ok<{ userId: string }>(await t.management.createUser({ username: `${prefix}_${s}`, password: 'Passw0rd-for-events', email: `${prefix}_${s}@corp.example` } as never), 'create-user');
}

describe('organization events', () => {
  it('announce organizations, departments (added, updated, moved, deleted) and their members', async () => {
    const hook = await subscribe(['organization:created', 'organization:deleted', 'organization:node-added', 'organization:node-updated', 'organization:node-moved', 'organization:node-deleted', 'organization:member-added', 'organization:member-removed', 'user:organization-node-update']);
    const s = uniq();
    const [ann, bob] = [await person(), await person()];
    const org = ok<{ departmentId: string; organizationCode: string }>(await t.management.createOrganization({ organizationCode: `org_${s}`, organizationName: `Org ${s}` } as never), 'create-organization');
    const sales = ok<{ departmentId: string }>(await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'Sales', code: `sales_${s}` } as never), 'create-department');
    const east = ok<{ departmentId: string }>(await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: 'East', code: `east_${s}` } as never), 'create-department');
    ok(await t.management.updateOrganization({ organizationCode: org.organizationCode, organizationName: 'Renamed org' } as never), 'update-organization');
    ok(await t.management.updateDepartment({ organizationCode: org.organizationCode, departmentId: east.departmentId, parentDepartmentId: sales.departmentId, name: 'East sales' } as never), 'update-department');
    ok(await t.management.addDepartmentMembers({ organizationCode: org.organizationCode, departmentId: sales.departmentId, userIds: [ann.userId, bob.userId] } as never), 'add-department-members');
    // Adding members already there changes nothing, and announces nothing.
    ok(await t.management.addDepartmentMembers({ organizationCode: org.organizationCode, departmentId: sales.departmentId, userIds: [ann.userId] } as never), 'add-department-members again');
    ok(await t.management.removeDepartmentMembers({ organizationCode: org.organizationCode, departmentId: sales.departmentId, userIds: [bob.userId] } as never), 'remove-department-members');
    ok(await t.management.setUserDepartments({ userId: ann.userId, departments: [{ departmentId: east.departmentId }] } as never), 'set-user-departments');
    // Refused (unknown parent): nothing changes and nothing is announced.
    expect((await t.management.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: 'ffffffffffffffffffffffff', name: 'Nowhere' } as never)).statusCode).toBe(404);
    ok(await t.management.deleteDepartment({ organizationCode: org.organizationCode, departmentId: sales.departmentId } as never), 'delete-department');
    ok(await t.management.deleteOrganization({ organizationCode: org.organizationCode } as never), 'delete-organization');

    const events = await hook.events(13);
    expect(events).toHaveLength(13);
    expect(one(events, 'organization:created').data).toMatchObject({ organizationCode: org.organizationCode, departmentId: org.departmentId, organization: { organizationName: `Org ${s}` } });
    expect(named(events, 'organization:node-added').map((e) => e.data.departmentId).sort()).toEqual([sales.departmentId, east.departmentId].sort());
    expect(named(events, 'organization:node-added')[0].data).toMatchObject({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId });
    const updates = named(events, 'organization:node-updated');
    expect(updates.find((e) => e.data.isRoot)!.data).toMatchObject({ departmentId: org.departmentId, organization: { organizationName: 'Renamed org' } });
    expect(updates.find((e) => !e.data.isRoot)!.data).toMatchObject({ departmentId: east.departmentId, department: { name: 'East sales', parentDepartmentId: sales.departmentId } });
    expect(one(events, 'organization:node-moved').data).toEqual({ organizationCode: org.organizationCode, departmentId: east.departmentId, previousParentDepartmentId: org.departmentId, parentDepartmentId: sales.departmentId });
    const added = named(events, 'organization:member-added');
    expect(added).toHaveLength(2);
    expect(added.map((e) => e.data)).toEqual(expect.arrayContaining([
      { organizationCode: org.organizationCode, departmentId: sales.departmentId, userIds: [ann.userId, bob.userId] },
      { organizationCode: org.organizationCode, departmentId: east.departmentId, userIds: [ann.userId] },
    ]));
    const removed = named(events, 'organization:member-removed');
    expect(removed).toHaveLength(2);
    expect(removed.map((e) => e.data)).toEqual(expect.arrayContaining([
      { organizationCode: org.organizationCode, departmentId: sales.departmentId, userIds: [bob.userId] },
      { organizationCode: org.organizationCode, departmentId: sales.departmentId, userIds: [ann.userId] },
    ]));
    expect(one(events, 'user:organization-node-update').data).toEqual({ userId: ann.userId, departmentIds: [east.departmentId], addedDepartmentIds: [east.departmentId], removedDepartmentIds: [sales.departmentId] });
    const nodeDeleted = one(events, 'organization:node-deleted').data;
    expect(nodeDeleted).toMatchObject({ organizationCode: org.organizationCode, departmentId: sales.departmentId, parentDepartmentId: org.departmentId, memberUserIds: [ann.userId] });
    expect(nodeDeleted.departmentIds.sort()).toEqual([sales.departmentId, east.departmentId].sort());
    expect(one(events, 'organization:deleted').data).toEqual({ organizationCode: org.organizationCode, departmentId: org.departmentId, departmentIds: [org.departmentId], memberUserIds: [] });
    // One pool, and each event carries the request that made it.
    expect(new Set(events.map((e) => e.userPoolId)).size).toBe(1);
    expect(events.every((e) => typeof e.requestId === "string")).toBe(true);
  });
});

describe('permission events', () => {
  it('announce namespaces, resources, and grants and revocations of authorize-resources', async () => {
    const hook = await subscribe(['privilege-namespace:created', 'privilege-namespace:updated', 'privilege-namespace:deleted', 'resource:created', 'resource:updated', 'resource:delete', 'permission:add', 'permission:revoke']);
    const s = uniq();
    const ann = await person();
    ok(await t.management.createNamespace({ code: `ns_${s}`, name: 'Billing' } as never), 'create-namespace');
    ok(await t.management.createRole({ code: `auditor_${s}`, namespace: `ns_${s}` } as never), 'create-role');
    ok(await t.management.createResource({ code: `invoice_${s}`, type: 'DATA', namespace: `ns_${s}`, actions: [{ name: 'read' }, { name: 'write' }] } as never), 'create-resource');
    ok(await t.management.updateResource({ code: `invoice_${s}`, namespace: `ns_${s}`, description: 'Invoices' } as never), 'update-resource');
    ok(await t.management.authorizeResources({
      namespace: `ns_${s}`,
      list: [
        { targetType: 'USER', targetIdentifiers: [ann.userId], resources: [{ code: `invoice_${s}`, resourceType: 'DATA', actions: ['read'] }] },
        { targetType: 'ROLE', targetIdentifiers: [`auditor_${s}`], resources: [{ code: `invoice_${s}`, resourceType: 'DATA', actions: ['read', 'write'] }] },
      ],
    } as never), 'authorize-resources');
    // An empty action list takes the grant away: a revocation.
    ok(await t.management.authorizeResources({ namespace: `ns_${s}`, list: [{ targetType: 'USER', targetIdentifiers: [ann.userId], resources: [{ code: `invoice_${s}`, resourceType: 'DATA', actions: [] }] }] } as never), 'authorize-resources (revoke)');
    // Revoking what is not granted revokes nothing, and announces nothing.
    ok(await t.management.authorizeResources({ namespace: `ns_${s}`, list: [{ targetType: 'USER', targetIdentifiers: [ann.userId], resources: [{ code: `invoice_${s}`, resourceType: 'DATA', actions: [] }] }] } as never), 'authorize-resources (revoke again)');
    // Refused (an action the resource does not define): no event.
    expect((await t.management.authorizeResources({ namespace: `ns_${s}`, list: [{ targetType: 'USER', targetIdentifiers: [ann.userId], resources: [{ code: `invoice_${s}`, resourceType: 'DATA', actions: ['print'] }] }] } as never)).statusCode).toBe(400);
    ok(await t.management.deleteResource({ code: `invoice_${s}`, namespace: `ns_${s}` } as never), 'delete-resource');
    ok(await t.management.updateNamespace({ code: `ns_${s}`, newCode: `ns2_${s}` } as never), 'update-namespace');
    ok(await t.management.deleteNamespace({ code: `ns2_${s}` } as never), 'delete-namespace');

    const events = await hook.events(8);
    // Sends run concurrently, so the order of arrival is not the order of commit.
    expect(events.map((e) => e.eventName).sort()).toEqual(['privilege-namespace:created', 'resource:created', 'resource:updated', 'permission:add', 'permission:revoke', 'resource:delete', 'privilege-namespace:updated', 'privilege-namespace:deleted'].sort());
    const namespaceId = one(events, 'privilege-namespace:created').data.namespaceId;
    expect(one(events, 'privilege-namespace:created').data).toMatchObject({ code: `ns_${s}`, namespace: { code: `ns_${s}`, name: 'Billing' } });
    const resourceId = one(events, 'resource:created').data.resourceId;
    expect(one(events, 'resource:created').data).toMatchObject({ namespace: `ns_${s}`, code: `invoice_${s}`, resource: { code: `invoice_${s}`, type: 'DATA' } });
    expect(one(events, 'resource:updated').data).toMatchObject({ resourceId, code: `invoice_${s}`, resource: { description: 'Invoices' } });
    expect(one(events, 'permission:add').data).toEqual({
      namespace: `ns_${s}`,
      authorizations: [
        { targetType: 'USER', targetIdentifier: ann.userId, resourceCode: `invoice_${s}`, resourceType: 'DATA', actions: ['read'], effect: 'ALLOW' },
        { targetType: 'ROLE', targetIdentifier: `auditor_${s}`, resourceCode: `invoice_${s}`, resourceType: 'DATA', actions: ['read', 'write'], effect: 'ALLOW' },
      ],
    });
    expect(one(events, 'permission:revoke').data).toEqual({
      namespace: `ns_${s}`,
      authorizations: [{ targetType: 'USER', targetIdentifier: ann.userId, resourceCode: `invoice_${s}`, resourceType: 'DATA', actions: ['read'], effect: 'ALLOW' }],
    });
    expect(one(events, 'resource:delete').data).toEqual({ resourceId, namespace: `ns_${s}`, code: `invoice_${s}` });
    expect(one(events, 'privilege-namespace:updated').data).toMatchObject({ namespaceId, code: `ns2_${s}`, previousCode: `ns_${s}` });
    expect(one(events, 'privilege-namespace:deleted').data).toEqual({ namespaceId, code: `ns2_${s}` });
  });
});

describe('application events', () => {
  it('announce applications created, updated, deleted and their secrets refreshed, never the secret', async () => {
    const hook = await subscribe(['application:created', 'application:updated', 'application:deleted', 'application:secret-refreshed']);
    const identifier = `app-${uniq()}`;
    const app = ok<{ appId: string }>(await t.management.createApplication({ appName: 'Payroll', appIdentifier: identifier } as never), 'create-application');
    ok(await t.management.updateApplication({ appId: app.appId, appName: 'Payroll 2' } as never), 'update-application');
    const { secret } = ok<{ secret: string }>(await t.management.refreshApplicationSecret({ appId: app.appId } as never), 'refresh-application-secret');
    // Refused (the identifier is taken): no event.
    expect((await t.management.createApplication({ appName: 'Again', appIdentifier: identifier } as never)).statusCode).not.toBe(200);
    ok(await t.management.deleteApplication({ appId: app.appId } as never), 'delete-application');
    expect((await t.management.deleteApplication({ appId: app.appId } as never)).statusCode).toBe(404);

    const events = await hook.events(4);
    expect(events.map((e) => e.eventName).sort()).toEqual(['application:created', 'application:deleted', 'application:secret-refreshed', 'application:updated']);
    expect(one(events, 'application:created').data).toMatchObject({ appId: app.appId, application: { appId: app.appId, appName: 'Payroll', appIdentifier: identifier } });
    expect(one(events, 'application:updated').data).toMatchObject({ appId: app.appId, application: { appName: 'Payroll 2' } });
    expect(one(events, 'application:secret-refreshed').data).toEqual({ appId: app.appId });
    expect(one(events, 'application:deleted').data).toEqual({ appId: app.appId, appIdentifier: identifier, appName: 'Payroll 2' });
    const raw = receiver.received.filter((r) => r.path === hook.path).map((r) => r.body).join('\n');
    expect(raw).not.toContain(secret);
  });
});

describe('sign-in and account events', () => {
  it('announce password and hosted sign-ins, kicks, password changes, registration, blocking, linked accounts and pool settings', async () => {
    const hook = await subscribe(['login', 'kick', 'user:password-changed', 'register', 'user:blocked', 'user:unblocked', 'user:email-verified', 'user:link-account', 'user-pool:updated']);
    const callback = 'https://rp.example.com/callback';
    const app = await createApp(t, { redirectUris: [callback] });
    const s = uniq();
    const ann = ok<{ userId: string; username: string }>(await t.management.createUser({ username: `ann_${s}`, email: `ann_${s}@corp.example`, password: 'Correct-horse-1' } as never), 'create-user');
    const client = authClient(t, app);
    const tokens = ok<{ access_token: string }>(await signIn(client, ann.username), 'signin');
    // A wrong password is no sign-in.
    expect((await signIn(authClient(t, app), ann.username, 'Wrong-horse-9')).statusCode).not.toBe(200);
    const agent = new Agent(t.url);
    const url = authorizeUrl(t.url, { client_id: app.appId, redirect_uri: callback, response_type: 'code', scope: 'openid', state: 'st' });
    expect(redirectParams(await agent.signIn(url, `ann_${s}@corp.example`, 'Correct-horse-1')).get('code')).toBeTruthy();
    client.setAccessToken(tokens.access_token);
    ok(await client.updatePassword({ oldPassword: 'Correct-horse-1', newPassword: 'Another-horse-2' } as never), 'update-password');
    ok(await t.management.kickUsers({ userId: ann.userId, appIds: [app.appId] } as never), 'kick-users');
    ok(await t.management.updateUser({ userId: ann.userId, status: 'Suspended' } as never), 'update-user (suspend)');
    ok(await t.management.updateUser({ userId: ann.userId, status: 'Activated', emailVerified: true } as never), 'update-user (activate)');
    const idp = ok<{ id: string }>(await t.management.createExtIdp({ name: `idp ${s}`, type: 'oidc' } as never), 'create-ext-idp');
    ok(await t.management.linkIdentity({ userId: ann.userId, extIdpId: idp.id, userIdInIdp: `ext-${s}` } as never), 'link-identity');
    ok(await t.management.updateSecuritySettings({ registerDisabled: false } as never), 'update-security-settings');
    const newcomer = ok<{ userId: string }>(await new AuthenticationClient({ appId: app.appId, appHost: t.url, tokenEndPointAuthMethod: 'none', timeout: 30000 } as never)
      .signUpByEmailPassword({ email: `new_${s}@corp.example`, password: 'Correct-horse-1' }), 'signup');

    // Refused (a setting this server does not keep): nothing changes, nothing is announced.
    expect((await t.management.updateSecuritySettings({ registerDisabled: true, allowedOrigins: ['https://x.example'] } as never)).statusCode).toBe(400);

    const events = await hook.events(10);
    expect(events.map((e) => e.eventName).sort()).toEqual(['kick', 'login', 'login', 'register', 'user-pool:updated', 'user:blocked', 'user:email-verified', 'user:link-account', 'user:password-changed', 'user:unblocked']);
    expect(one(events, 'user-pool:updated').data).toMatchObject({ securitySettings: { registerDisabled: false } });
    const logins = named(events, 'login').map((e) => e.data);
    expect(logins.map((l) => l.via).sort()).toEqual(['hosted', 'password']);
    for (const login of logins) expect(login).toMatchObject({ userId: ann.userId, appId: app.appId, sessionId: expect.stringMatching(/^[0-9a-f]{24}$/), clientIp: '127.0.0.1' });
    const kick = one(events, 'kick').data;
    expect(kick).toMatchObject({ userId: ann.userId, appIds: [app.appId], actor: t.keyId });
    // The password session was kept by the password change; the kick ended it (the hosted one ended with the change).
    expect(kick.sessionIds).toEqual([logins.find((l) => l.via === 'password')!.sessionId]);
    expect(one(events, 'user:password-changed').data).toMatchObject({ userId: ann.userId, accountType: 'user', changedBy: 'self' });
    expect(one(events, 'user:blocked').data).toEqual({ userId: ann.userId, accountType: 'user', status: 'Suspended', previousStatus: 'Activated' });
    expect(one(events, 'user:unblocked').data).toEqual({ userId: ann.userId, accountType: 'user', status: 'Activated', previousStatus: 'Suspended' });
    expect(one(events, 'user:email-verified').data).toEqual({ userId: ann.userId, accountType: 'user', email: `ann_${s}@corp.example` });
    expect(one(events, 'user:link-account').data).toEqual({ userId: ann.userId, extIdpId: idp.id, userIdInIdp: `ext-${s}`, type: null });
    expect(one(events, 'register').data).toEqual({ userId: newcomer.userId, appId: app.appId, connection: 'PASSWORD' });
  });
});
