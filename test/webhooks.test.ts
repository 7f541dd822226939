import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { startTestServer, useTestServer } from './helpers/server.js';
import { eventually, startReceiver, type Answer, type Received } from './helpers/receiver.js';
import { attachUser, buildDirectory, ok, type Directory } from './helpers/fixtures.js';
import { uniq } from './helpers/apps.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dir: Directory;
const routes = new Map<string, (index: number) => Answer>();

beforeAll(async () => {
  receiver = await startReceiver((request) => {
    const route = routes.get(request.path);
    return route ? route(receiver.received.filter((r) => r.path === request.path).length - 1) : { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };
  });
});
afterAll(async () => {
  await receiver?.close();
});
const t = useTestServer({ DELIVERY_POLL_MS: '50', DELIVERY_TIMEOUT_MS: '2000' });
beforeAll(async () => {
  dir = await buildDirectory(t.management);
});

interface WebhookView {
  webhookId: string;
  name: string;
  url: string;
  contentType: string;
  enabled: boolean;
  events: string[];
  secret?: string;
  retryConfig: { enabled: boolean; count?: number; delay?: number; delayUnit?: string };
  createdAt: string;
  updatedAt: string;
}

const hookPath = () => `/hook-${uniq()}`;
async function createWebhook(fields: Record<string, unknown> = {}): Promise<WebhookView & { path: string }> {
  const path = hookPath();
  const created = ok<WebhookView>(
    await t.management.createWebhook({ name: `hook ${uniq()}`, url: receiver.url + path, contentType: 'application/json', events: ['user:resigned'], ...fields } as never),
    'create-webhook');
  return { ...created, path };
}
const at = (path: string) => receiver.received.filter((r) => r.path === path);
const webhookId = (r: Received) => String(r.headers['webhook-id']);

async function employee() {
  const s = uniq();
  const user = ok<{ userId: string; username: string }>(await t.management.createUser({ username: `wh_${s}`, email: `wh_${s}@corp.example`, name: `Hook ${s}` } as never), 'create-user');
  await attachUser(t.management, dir, user.userId);
  return user;
}

describe('webhook API', () => {
  it('creates a webhook, answers its generated secret, and reads it back by id and in the list', async () => {
    const hook = await createWebhook({ events: ['user:resigned', 'user:created'], retryConfig: { enabled: true, count: 3, delay: 2, delayUnit: 'Minute' } });
    expect(hook.webhookId).toMatch(/^[0-9a-f]{24}$/);
    expect(hook).toMatchObject({ enabled: true, contentType: 'application/json', events: ['user:resigned', 'user:created'], retryConfig: { enabled: true, count: 3, delay: 2, delayUnit: 'Minute' } });
    expect(hook.secret!.length).toBeGreaterThanOrEqual(24);
    const got = ok<WebhookView>(await t.management.getWebhook({ webhookId: hook.webhookId }), 'get-webhook');
    expect(got).toEqual({ ...hook, path: undefined, secret: hook.secret });
    const listed = ok<{ list: WebhookView[]; totalCount: number }>(await t.management.listWebhooks({ page: 1, limit: 50 }), 'list-webhooks');
    const entry = listed.list.find((w) => w.webhookId === hook.webhookId)!;
    expect(entry.name).toBe(hook.name);
    expect(entry.secret).toBeUndefined();
    expect(listed.totalCount).toBeGreaterThanOrEqual(1);
  });

  it('keeps the secret encrypted at rest', async () => {
    const hook = await createWebhook({ secret: 'my-own-webhook-secret-1' });
    expect(hook.secret).toBe('my-own-webhook-secret-1');
    const row = await t.server.deps.db.selectFrom('webhooks').select('secret_enc').where('id', '=', hook.webhookId).executeTakeFirstOrThrow();
    expect(row.secret_enc).toMatch(/^v1:/);
    expect(row.secret_enc).not.toContain('my-own-webhook-secret-1');
  });

  it('refuses bad input with a 400 naming the field, and changes nothing', async () => {
    const valid = { name: 'refusals', url: `${receiver.url}/refusals`, contentType: 'application/json', events: ['user:created'] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ url: 'not a url' }, /^url: must be an absolute http\(s\) URL/],
      [{ url: '/relative/path' }, /^url: must be an absolute http\(s\) URL/],
      [{ url: 'ftp://files.example.com/hook' }, /^url: must be an absolute http\(s\) URL/],
      [{ url: 'http://169.254.169.254/latest' }, /^url: 169\.254\.169\.254 is a cloud metadata address/],
      [{ events: ['user:created', 'user:exploded'] }, /^events: "user:exploded" is not an event of get-webhook-event-list/],
      [{ events: [] }, /events/],
      [{ contentType: 'text/xml' }, /contentType: must be one of application\/json, application\/x-www-form-urlencoded/],
      [{ retryConfig: { enabled: true, count: 0 } }, /^retryConfig\.count: must be a whole number from 1 to 20/],
      [{ retryConfig: { enabled: true, count: 21 } }, /^retryConfig\.count: must be a whole number from 1 to 20/],
      [{ retryConfig: { enabled: true, delay: 0 } }, /^retryConfig\.delay: must be a whole number from 1 to 86400 Seconds/],
      [{ retryConfig: { enabled: true, delay: 2, delayUnit: 'Day' } }, /^retryConfig\.delay: must be a whole number from 1 to 1 Day /],
      [{ retryConfig: { enabled: true, delayUnit: 'Week' } }, /retryConfig\.delayUnit: must be one of Second, Minute, Hour, Day/],
      [{ secret: 'short' }, /secret/],
      [{ name: '' }, /name/],
    ];
    const before = ok<{ totalCount: number }>(await t.management.listWebhooks({ page: 1, limit: 10 }), 'list-webhooks').totalCount;
    for (const [change, message] of cases) {
      const answer = await t.management.createWebhook({ ...valid, ...change } as never);
      expect(answer.statusCode, JSON.stringify(change)).toBe(400);
      expect(answer.message.replace(/^invalid body: /, ''), JSON.stringify(change)).toMatch(message);
    }
    expect(ok<{ totalCount: number }>(await t.management.listWebhooks({ page: 1, limit: 10 }), 'list-webhooks').totalCount).toBe(before);
    // Control: the same body without the faults is accepted.
    expect((await t.management.createWebhook(valid as never)).statusCode).toBe(200);
  });

  it('updates a webhook, refusing bad fields and unknown ids', async () => {
    const hook = await createWebhook();
    const updated = ok<WebhookView>(
      await t.management.updateWebhook({ webhookId: hook.webhookId, name: 'renamed', events: ['user:created'], enabled: false, retryConfig: { enabled: false } } as never),
      'update-webhook');
    expect(updated).toMatchObject({ name: 'renamed', events: ['user:created'], enabled: false, retryConfig: { enabled: false }, secret: hook.secret, url: hook.url });
    expect(ok<WebhookView>(await t.management.getWebhook({ webhookId: hook.webhookId }), 'get-webhook')).toMatchObject({ name: 'renamed', enabled: false });

    const bad = await t.management.updateWebhook({ webhookId: hook.webhookId, url: 'mailto:someone@example.com' } as never);
    expect(bad).toMatchObject({ statusCode: 400 });
    expect(bad.message).toMatch(/^url: must be an absolute http\(s\) URL/);
    const badEvent = await t.management.updateWebhook({ webhookId: hook.webhookId, events: ['nope'] } as never);
    expect(badEvent.message).toMatch(/^events: "nope"/);
    expect(ok<WebhookView>(await t.management.getWebhook({ webhookId: hook.webhookId }), 'get-webhook')).toMatchObject({ url: hook.url, events: ['user:created'] });

    const missing = await t.management.updateWebhook({ webhookId: 'ffffffffffffffffffffffff', name: 'x' } as never);
    expect(missing).toMatchObject({ statusCode: 404 });
    expect(missing.message).toMatch(/^webhookId: no webhook "ffffffffffffffffffffffff" in this user pool/);
  });

  it('deletes webhooks all or nothing', async () => {
    const a = await createWebhook();
    const b = await createWebhook();
    const refused = await t.management.deleteWebhook({ webhookIds: [a.webhookId, 'ffffffffffffffffffffffff'] });
    expect(refused).toMatchObject({ statusCode: 404 });
    expect(refused.message).toContain('"ffffffffffffffffffffffff"');
    expect((await t.management.getWebhook({ webhookId: a.webhookId })).statusCode).toBe(200);
    expect((await t.management.deleteWebhook({ webhookIds: [a.webhookId, b.webhookId] })).statusCode).toBe(200);
    expect((await t.management.getWebhook({ webhookId: a.webhookId })).statusCode).toBe(404);
    expect((await t.management.getWebhook({ webhookId: b.webhookId })).statusCode).toBe(404);
  });

  it('lists the events with their categories, ours included', async () => {
    const list = ok<{ categories: Array<{ value: string }>; events: Array<{ value: string; category: string; name: string; nameEn: string }> }>(
      await t.management.getWebhookEventList(), 'get-webhook-event-list');
    const values = list.events.map((e) => e.value);
    expect(values).toEqual(expect.arrayContaining(['user:resigned', 'user:created', 'group:member-removed', 'organization:member-added', 'permission:revoke', 'login', 'kick']));
    expect(list.events.find((e) => e.value === 'user:resigned')).toMatchObject({ category: 'user', nameEn: 'User resigned (Userpool)' });
    const categories = new Set(list.categories.map((c) => c.value));
    for (const event of list.events) expect(categories.has(event.category)).toBe(true);
  });

  it('keeps one pool\'s webhooks away from another', async () => {
    const hook = await createWebhook();
    const other = await t.newPool();
    expect((await other.management.getWebhook({ webhookId: hook.webhookId })).statusCode).toBe(404);
    expect((await other.management.updateWebhook({ webhookId: hook.webhookId, name: 'stolen' } as never)).statusCode).toBe(404);
    expect((await other.management.deleteWebhook({ webhookIds: [hook.webhookId] })).statusCode).toBe(404);
    expect((await other.management.getWebhookLogs({ webhookId: hook.webhookId })).statusCode).toBe(404);
    expect(ok<{ list: WebhookView[] }>(await other.management.listWebhooks({ page: 1, limit: 50 }), 'list-webhooks').list.map((w) => w.webhookId)).not.toContain(hook.webhookId);
  });

  it('leaves an admin audit entry for each webhook write', async () => {
    const hook = await createWebhook();
    const answer = await t.management.updateWebhook({ webhookId: hook.webhookId, name: 'audited' } as never);
    const logs = ok<{ list: Array<{ action: string; requestId: string; success: boolean }> }>(
      await t.management.makeRequest({ method: 'POST', url: '/api/v3/get-admin-audit-logs', data: { requestId: answer.requestId, pagination: { page: 1, limit: 10 } } }),
      'get-admin-audit-logs');
    expect(logs.list).toEqual([expect.objectContaining({ action: 'update-webhook', requestId: answer.requestId, success: true })]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const route of ['create-webhook', 'update-webhook', 'delete-webhook', 'get-webhook', 'list-webhooks', 'get-webhook-logs', 'trigger-webhook', 'get-webhook-event-list']) {
      expect(Object.keys(doc.paths)).toContain(`/api/v3/${route}`);
    }
  });
});

describe('webhook delivery', () => {
  it('delivers a resignation signed as Standard Webhooks describes, verified by the standardwebhooks package', async () => {
    const hook = await createWebhook();
    const user = await employee();
    const answer = await t.management.resignUser({ userId: user.userId });
    const [request] = await receiver.waitFor(1, 15_000, (r) => r.path === hook.path);
    const verified = new StandardWebhook(hook.secret!, { format: 'raw' }).verify(request.body, request.headers as Record<string, string>) as Record<string, any>;
    expect(verified).toMatchObject({ eventName: 'user:resigned', userPoolId: expect.stringMatching(/^[0-9a-f]{24}$/), requestId: answer.requestId });
    expect(verified.data).toMatchObject({ userId: user.userId, accountType: 'user', actor: t.keyId, requestId: answer.requestId, user: { userId: user.userId, username: user.username, status: 'Resigned' } });
    expect(verified.data.removed.roles).toHaveLength(3);
    expect(verified.data.removed.groups).toHaveLength(3);
    expect(verified.data.removed.departments).toHaveLength(3);
    expect(request.headers['x-authing-token']).toBe(hook.secret);
    expect(request.headers['content-type']).toBe('application/json');
    // Control: the same request does not verify under another secret.
    expect(() => new StandardWebhook('another-secret-entirely', { format: 'raw' }).verify(request.body, request.headers as Record<string, string>)).toThrow(/No matching signature/);
    // ... nor with a body changed after signing.
    expect(() => new StandardWebhook(hook.secret!, { format: 'raw' }).verify(request.body.replace(user.userId, 'ffffffffffffffffffffffff'), request.headers as Record<string, string>)).toThrow();
  });

  it('signs form-encoded bodies the same way', async () => {
    const hook = await createWebhook({ contentType: 'application/x-www-form-urlencoded' });
    const user = await employee();
    await t.management.resignUser({ userId: user.userId });
    const [request] = await receiver.waitFor(1, 15_000, (r) => r.path === hook.path);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request.body);
    expect(form.get('eventName')).toBe('user:resigned');
    expect(JSON.parse(form.get('data')!)).toMatchObject({ userId: user.userId });
    // standardwebhooks parses verified bodies as JSON, so compare its signature directly.
    const judge = new StandardWebhook(hook.secret!, { format: 'raw' });
    const expected = judge.sign(webhookId(request), new Date(Number(request.headers['webhook-timestamp']) * 1000), request.body);
    expect(request.headers['webhook-signature']).toBe(expected);
    expect(new StandardWebhook('another-secret-entirely', { format: 'raw' }).sign(webhookId(request), new Date(Number(request.headers['webhook-timestamp']) * 1000), request.body)).not.toBe(expected);
  });

  it('retries a failing receiver with the same webhook-id, and logs every attempt with the secret redacted', async () => {
    const hook = await createWebhook({ retryConfig: { enabled: true, count: 3, delay: 1, delayUnit: 'Second' } });
    routes.set(hook.path, (i) => (i === 0 ? { status: 500, body: 'try later' } : { status: 200, body: '{"received":true}', headers: { 'content-type': 'application/json' } }));
    const user = await employee();
    await t.management.resignUser({ userId: user.userId });
    const requests = await receiver.waitFor(2, 15_000, (r) => r.path === hook.path);
    expect(webhookId(requests[1])).toBe(webhookId(requests[0]));
    expect(requests[1].body).toBe(requests[0].body);
    for (const r of requests) new StandardWebhook(hook.secret!, { format: 'raw' }).verify(r.body, r.headers as Record<string, string>);
    // The delivery keeps no copy of the body: the retry rendered its event again, byte for byte the same.
    expect(await t.server.deps.db.selectFrom('deliveries').select('body').where('webhook_id', '=', hook.webhookId).executeTakeFirstOrThrow()).toEqual({ body: '' });

    const logs = await eventually(async () => {
      const page = ok<{ list: Array<Record<string, any>>; totalCount: number }>(await t.management.getWebhookLogs({ webhookId: hook.webhookId, page: 1, limit: 10 }), 'get-webhook-logs');
      return page.totalCount === 2 ? page : undefined;
    }, 10_000, 'two attempts logged');
    const [latest, first] = logs.list;
    expect(first).toMatchObject({ webhookId: hook.webhookId, eventName: 'user:resigned', responseStatusCode: 500, responseBody: 'try later', success: false, errorMessage: 'answered 500' });
    expect(latest).toMatchObject({ responseStatusCode: 200, responseBody: { received: true }, success: true });
    expect(latest.requestBody).toMatchObject({ eventName: 'user:resigned', data: { userId: user.userId } });
    expect(latest.requestHeaders['x-authing-token']).toBe('[redacted]');
    expect(JSON.stringify(logs)).not.toContain(hook.secret);
    expect(latest.requestHeaders['webhook-id']).toBe(webhookId(requests[0]));
    expect(latest.responseHeaders['content-type']).toBe('application/json');
  });

  it('declares the delivery dead after the last try, and trigger-webhook sends it again with a test event', async () => {
    const hook = await createWebhook({ retryConfig: { enabled: true, count: 1, delay: 1, delayUnit: 'Second' } });
    let up = false;
    routes.set(hook.path, () => (up ? { status: 200 } : { status: 502 }));
    const user = await employee();
    await t.management.resignUser({ userId: user.userId });
    await receiver.waitFor(2, 15_000, (r) => r.path === hook.path);
    const dead = await eventually(async () => {
      const row = await t.server.deps.db.selectFrom('deliveries').selectAll().where('webhook_id', '=', hook.webhookId).executeTakeFirst();
      return row?.status === 'dead' ? row : undefined;
    }, 10_000, 'dead');
    expect(dead).toMatchObject({ attempts: 2, last_error: 'answered 502' });

    up = true;
    const triggered = ok<{ response: Record<string, any> }>(await t.management.triggerWebhook({ webhookId: hook.webhookId, requestBody: { hello: 'receiver' } }), 'trigger-webhook');
    expect(triggered.response).toMatchObject({ success: true, statusCode: 200, body: 'ok', resentDeliveries: 1 });
    const test = at(hook.path).find((r) => JSON.parse(r.body).eventName === 'test')!;
    expect(JSON.parse(test.body).data).toEqual({ hello: 'receiver' });
    new StandardWebhook(hook.secret!, { format: 'raw' }).verify(test.body, test.headers as Record<string, string>);
    // The dead resignation arrives again, under the id it had.
    const again = await receiver.waitFor(3, 10_000, (r) => r.path === hook.path && JSON.parse(r.body).eventName === 'user:resigned');
    expect(webhookId(again[2])).toBe(dead.id);
  });

  it('answers trigger-webhook with the failure when the receiver refuses', async () => {
    const hook = await createWebhook();
    routes.set(hook.path, () => ({ status: 418, body: 'teapot' }));
    const triggered = ok<{ response: Record<string, any> }>(await t.management.triggerWebhook({ webhookId: hook.webhookId }), 'trigger-webhook');
    expect(triggered.response).toMatchObject({ success: false, statusCode: 418, body: 'teapot', errorMessage: 'answered 418', resentDeliveries: 0 });
    expect((await t.management.triggerWebhook({ webhookId: 'ffffffffffffffffffffffff' })).statusCode).toBe(404);
  });

  it('sends only the events a webhook subscribes to', async () => {
    const resigned = await createWebhook({ events: ['user:resigned'] });
    const created = await createWebhook({ events: ['user:created'] });
    const user = await employee();
    await t.management.resignUser({ userId: user.userId });
    const [got] = await receiver.waitFor(1, 15_000, (r) => r.path === resigned.path);
    expect(JSON.parse(got.body).eventName).toBe('user:resigned');
    await new Promise((r) => setTimeout(r, 500));
    expect(at(created.path).map((r) => JSON.parse(r.body).eventName)).not.toContain('user:resigned');
  });

  it('sends nothing to a disabled webhook, and resumes once it is enabled again', async () => {
    const hook = await createWebhook();
    const control = await createWebhook();
    ok(await t.management.updateWebhook({ webhookId: hook.webhookId, enabled: false } as never), 'update-webhook');
    const first = await employee();
    await t.management.resignUser({ userId: first.userId });
    await receiver.waitFor(1, 15_000, (r) => r.path === control.path);
    await new Promise((r) => setTimeout(r, 300));
    expect(at(hook.path)).toHaveLength(0);

    ok(await t.management.updateWebhook({ webhookId: hook.webhookId, enabled: true } as never), 'update-webhook');
    const second = await employee();
    await t.management.resignUser({ userId: second.userId });
    const [got] = await receiver.waitFor(1, 15_000, (r) => r.path === hook.path);
    expect(JSON.parse(got.body).data.userId).toBe(second.userId);
  });

  it('drops the pending deliveries of a deleted webhook', async () => {
    const hook = await createWebhook({ retryConfig: { enabled: true, count: 5, delay: 1, delayUnit: 'Second' } });
    routes.set(hook.path, () => ({ status: 500 }));
    const user = await employee();
    await t.management.resignUser({ userId: user.userId });
    await receiver.waitFor(1, 15_000, (r) => r.path === hook.path);
    ok(await t.management.deleteWebhook({ webhookIds: [hook.webhookId] }), 'delete-webhook');
    const count = at(hook.path).length;
    expect(await t.server.deps.db.selectFrom('deliveries').select('id').where('webhook_id', '=', hook.webhookId).execute()).toEqual([]);
    await new Promise((r) => setTimeout(r, 2500));
    expect(at(hook.path).length).toBe(count);
  });

  it('sends pending retries to the new URL after update-webhook changes it', async () => {
    const hook = await createWebhook({ retryConfig: { enabled: true, count: 5, delay: 1, delayUnit: 'Second' } });
    routes.set(hook.path, () => ({ status: 500 }));
    const user = await employee();
    await t.management.resignUser({ userId: user.userId });
    const [failed] = await receiver.waitFor(1, 15_000, (r) => r.path === hook.path);
    const moved = hookPath();
    ok(await t.management.updateWebhook({ webhookId: hook.webhookId, url: receiver.url + moved } as never), 'update-webhook');
    const [arrived] = await receiver.waitFor(1, 15_000, (r) => r.path === moved);
    expect(webhookId(arrived)).toBe(webhookId(failed));
  });
});

describe('events of other changes', () => {
  it('announces user, group and role writes by their GenAuth names, and nothing for a refused write', async () => {
    const hook = await createWebhook({ events: ['user:created', 'user:updated', 'user:password-changed', 'user:deleted', 'group:created', 'group:member-added', 'group:member-removed', 'role:created', 'role:assigned'] });
    const s = uniq();
    const user = ok<{ userId: string }>(await t.management.createUser({ username: `ev_${s}` } as never), 'create-user');
    ok(await t.management.updateUser({ userId: user.userId, name: 'Renamed', password: 'Another-pass-1' } as never), 'update-user');
    ok(await t.management.createGroup({ code: `g_${s}`, name: 'G' } as never), 'create-group');
    ok(await t.management.addGroupMembers({ code: `g_${s}`, userIds: [user.userId] } as never), 'add-group-members');
    ok(await t.management.removeGroupMembers({ code: `g_${s}`, userIds: [user.userId] } as never), 'remove-group-members');
    ok(await t.management.createRole({ code: `r_${s}` } as never), 'create-role');
    ok(await t.management.assignRole({ code: `r_${s}`, targets: [{ targetType: 'USER', targetIdentifier: user.userId }] } as never), 'assign-role');
    // Refused (the group exists): no event.
    expect((await t.management.createGroup({ code: `g_${s}`, name: 'G' } as never)).statusCode).not.toBe(200);
    ok(await t.management.deleteUsersBatch({ userIds: [user.userId] } as never), 'delete-users-batch');
    const expected = ['user:created', 'user:updated', 'user:password-changed', 'group:created', 'group:member-added', 'group:member-removed', 'role:created', 'role:assigned', 'user:deleted'];
    const got = await receiver.waitFor(expected.length, 20_000, (r) => r.path === hook.path);
    await new Promise((r) => setTimeout(r, 300));
    const events = at(hook.path).map((r) => JSON.parse(r.body) as { eventName: string; data: Record<string, any> });
    expect(events.map((e) => e.eventName).sort()).toEqual([...expected].sort());
    expect(got).toHaveLength(expected.length);
    expect(events.find((e) => e.eventName === 'group:member-added')!.data).toMatchObject({ code: `g_${s}`, userIds: [user.userId] });
    expect(events.find((e) => e.eventName === 'user:created')!.data).toMatchObject({ userId: user.userId, accountType: 'user' });
    expect(events.find((e) => e.eventName === 'user:updated')!.data.user).toMatchObject({ name: 'Renamed' });
    expect(events.find((e) => e.eventName === 'user:deleted')!.data).toMatchObject({ userId: user.userId });
  });
});

describe('private targets', () => {
  it('are refused at create and update when DELIVERY_REFUSE_PRIVATE_TARGETS is on, and allowed by default', async () => {
    const strict = await startTestServer({ DELIVERY_REFUSE_PRIVATE_TARGETS: 'true', DELIVERY_POLL_MS: '50' });
    try {
      for (const url of [`${receiver.url}/private`, `http://localhost:${receiver.port}/private`, 'http://10.1.2.3/hook', 'http://[::1]:80/hook', 'http://169.254.10.10/hook']) {
        const answer = await strict.management.createWebhook({ name: 'private', url, contentType: 'application/json', events: ['user:created'] } as never);
        expect(answer.statusCode, url).toBe(400);
        expect(answer.message, url).toMatch(/^url: .*private, loopback or link-local/);
      }
      const fine = await strict.management.createWebhook({ name: 'public', url: 'https://93.184.215.14/hook', contentType: 'application/json', events: ['user:created'] } as never);
      expect(fine.statusCode).toBe(200);
      const update = await strict.management.updateWebhook({ webhookId: (fine.data as { webhookId: string }).webhookId, url: 'http://192.168.1.1/' } as never);
      expect(update.statusCode).toBe(400);
      expect(update.message).toMatch(/^url: 192\.168\.1\.1 is a private/);
    } finally {
      await strict.close();
    }
    // Control: the default server takes the loopback receiver (every other test here relies on it).
    expect((await t.management.createWebhook({ name: 'loopback', url: `${receiver.url}/private`, contentType: 'application/json', events: ['user:created'] } as never)).statusCode).toBe(200);
  });
});
