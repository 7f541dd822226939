import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { pruneExpired } from '../src/services/retention.js';
import { useTestServer } from './helpers/server.js';
import { eventually, startReceiver, type Answer } from './helpers/receiver.js';
import { runCli } from './helpers/cli.js';
import { ok } from './helpers/fixtures.js';
import { uniq } from './helpers/apps.js';

/**
 * What an operator does with deliveries: `userpool deliveries status` and `resend` run as the
 * real CLI against the server's database, and retention pruning of delivered rows.
 */

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let receiver: Awaited<ReturnType<typeof startReceiver>>;
const answers = new Map<string, Answer>();

beforeAll(async () => {
  receiver = await startReceiver((request) => answers.get(request.path) ?? { status: 200 });
});
afterAll(async () => {
  await receiver?.close();
});
const t = useTestServer({ DELIVERY_POLL_MS: '50', DELIVERY_TIMEOUT_MS: '2000', PRUNE_INTERVAL_SECONDS: '0' });

const db = () => t.server.deps.db;
const cliEnv = () => ({ DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64') });

async function hook(answer: Answer, retryConfig: Record<string, unknown> = { enabled: false }) {
  const path = `/ops-${uniq()}`;
  answers.set(path, answer);
  const created = ok<{ webhookId: string; secret: string }>(
    await t.management.createWebhook({ name: `ops ${uniq()}`, url: receiver.url + path, contentType: 'application/json', events: ['user:resigned'], retryConfig } as never),
    'create-webhook');
  return { ...created, path };
}

async function resignSomeone(): Promise<string> {
  const user = ok<{ userId: string }>(await t.management.createUser({ username: `ops_${uniq()}` } as never), 'create-user');
  ok(await t.management.resignUser({ userId: user.userId }), 'resign-user');
  return user.userId;
}

const deliveriesOf = (webhookId: string) => db().selectFrom('deliveries').selectAll().where('webhook_id', '=', webhookId).execute();
const statusOf = async (webhookId: string) => (await deliveriesOf(webhookId)).map((d) => d.status);
const logsOf = async (webhookId: string) => ok<{ list: unknown[]; totalCount: number }>(await t.management.getWebhookLogs({ webhookId, limit: 50 } as never), 'get-webhook-logs');

describe('userpool deliveries resend', () => {
  it('sends a webhook\'s dead deliveries again from the command line, with the same webhook-id, and only that webhook\'s', async () => {
    const failing = await hook({ status: 500, body: 'down' });
    const other = await hook({ status: 503 });
    await resignSomeone();
    await eventually(async () => (await statusOf(failing.webhookId)).join() === 'dead' && (await statusOf(other.webhookId)).join() === 'dead', 20_000, 'both deliveries dead');
    const [first] = receiver.received.filter((r) => r.path === failing.path);

    const status = await runCli(['deliveries', 'status', '--webhook', failing.webhookId], cliEnv());
    expect(status.code).toBe(0);
    expect(status.stdout.trim()).toBe('pending 0, delivered 0, dead 1');

    // A pool filter that matches nothing re-queues nothing.
    const elsewhere = await runCli(['deliveries', 'resend', '--pool', 'ffffffffffffffffffffffff'], cliEnv());
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout.trim()).toBe('re-queued 0 dead deliveries');
    expect(await statusOf(failing.webhookId)).toEqual(['dead']);

    answers.set(failing.path, { status: 204 });
    const resent = await runCli(['deliveries', 'resend', '--webhook', failing.webhookId], cliEnv());
    expect(resent.code).toBe(0);
    expect(resent.stdout.trim()).toBe('re-queued 1 dead delivery');

    // The running server picks it up: same delivery, same webhook-id, a valid signature.
    const [again] = await receiver.waitFor(2, 20_000, (r) => r.path === failing.path).then((list) => list.slice(1));
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(() => new StandardWebhook(failing.secret, { format: 'raw' }).verify(again.body, again.headers as Record<string, string>)).not.toThrow();
    await eventually(async () => (await statusOf(failing.webhookId)).join() === 'delivered', 20_000, 'delivered after resend');
    expect((await logsOf(failing.webhookId)).totalCount).toBe(2);
    // The other webhook's dead delivery was left alone.
    expect(await statusOf(other.webhookId)).toEqual(['dead']);
    expect(receiver.received.filter((r) => r.path === other.path)).toHaveLength(1);
  });
});

describe('retention', () => {
  it('removes delivered deliveries and their logs older than DELIVERY_RETENTION_DAYS, keeps pending and dead ones, recent ones and audit logs', async () => {
    const keep = t.server.deps.policy.deliveryRetentionDays;
    expect(keep).toBeGreaterThan(0);
    const fine = await hook({ status: 200 });
    const dead = await hook({ status: 500 });
    // Fails once, then waits a day for its retry: pending throughout the test.
    const pending = await hook({ status: 500 }, { enabled: true, count: 3, delay: 1, delayUnit: 'Day' });
    const [oldUser, recentUser] = [await resignSomeone(), await resignSomeone()];
    await eventually(async () => {
      const [f, d, p] = [await statusOf(fine.webhookId), await statusOf(dead.webhookId), await deliveriesOf(pending.webhookId)];
      return f.join() === 'delivered,delivered' && d.join() === 'dead,dead' && p.length === 2 && p.every((x) => x.attempts === 1);
    }, 20_000, 'deliveries settled');

    // Everything of the first resignation finished long ago; the second's, a day within the setting.
    const events = await db().selectFrom('event_outbox').select(['id', 'payload']).where('type', '=', 'user:resigned').execute();
    const eventOf = (userId: string) => events.find((e) => JSON.parse(e.payload).userId === userId)!.id;
    const [oldEvent, recentEvent] = [eventOf(oldUser), eventOf(recentUser)];
    await db().updateTable('deliveries').set({ finished_at: ago(keep + 1), created_at: ago(keep + 1) }).where('event_id', '=', oldEvent).execute();
    await db().updateTable('deliveries').set({ finished_at: ago(keep - 1) }).where('event_id', '=', recentEvent).where('status', '!=', 'pending').execute();
    // Dispatched long ago, but its delivered deliveries are recent: they render their bodies from it.
    await db().updateTable('event_outbox').set({ delivered_at: ago(keep + 1) }).where('id', '=', recentEvent).execute();
    await db().updateTable('event_outbox').set({ delivered_at: ago(keep + 1), created_at: ago(keep + 1) }).where('id', '=', oldEvent).execute();
    // An event whose every delivery arrived long ago goes with them: user:created, which only `lone` hears.
    const lone = await hook({ status: 200 });
    ok(await t.management.updateWebhook({ webhookId: lone.webhookId, events: ['user:created'] } as never), 'update-webhook');
    const loneUser = ok<{ userId: string }>(await t.management.createUser({ username: `lone_${uniq()}` } as never), 'create-user');
    await eventually(async () => (await statusOf(lone.webhookId)).join() === 'delivered', 20_000, 'lone delivery');
    const loneEvent = (await deliveriesOf(lone.webhookId))[0].event_id!;
    expect(JSON.parse(receiver.received.filter((r) => r.path === lone.path)[0].body).data.userId).toBe(loneUser.userId);
    await db().updateTable('deliveries').set({ finished_at: ago(keep + 1) }).where('event_id', '=', loneEvent).execute();
    await db().updateTable('event_outbox').set({ delivered_at: ago(keep + 1) }).where('id', '=', loneEvent).execute();
    await db().updateTable('admin_audit_logs').set({ created_at: ago(400) }).where('action', '=', 'resign-user').execute();
    const audits = (await db().selectFrom('admin_audit_logs').select('id').where('action', '=', 'resign-user').execute()).length;
    const oldFineDelivery = (await deliveriesOf(fine.webhookId)).find((d) => d.event_id === oldEvent)!.id;
    expect(await db().selectFrom('delivery_attempts').select('id').where('delivery_id', '=', oldFineDelivery).execute()).toHaveLength(1);

    // Control: with the setting at 0 nothing is pruned.
    const none = await pruneExpired({ ...t.server.deps, policy: { ...t.server.deps.policy, deliveryRetentionDays: 0 } });
    expect([none.deliveries, none.events]).toEqual([0, 0]);
    expect(await statusOf(fine.webhookId)).toHaveLength(2);

    const pruned = await pruneExpired(t.server.deps);
    expect(pruned.deliveries).toBeGreaterThanOrEqual(2);
    // The delivered one of the old event is gone with its attempt log; the recent one stays.
    expect((await deliveriesOf(fine.webhookId)).map((d) => d.event_id)).toEqual([recentEvent]);
    expect(await db().selectFrom('delivery_attempts').select('id').where('delivery_id', '=', oldFineDelivery).execute()).toHaveLength(0);
    expect((await logsOf(fine.webhookId)).totalCount).toBe(1);
    // The delivery left keeps the body it sent in its log, rendered from the event kept for it.
    expect((await logsOf(fine.webhookId)).list[0]).toMatchObject({ requestBody: { eventName: 'user:resigned', eventId: recentEvent, data: { userId: recentUser } } });
    // Dead and pending deliveries stay whatever their age, with their logs.
    expect((await deliveriesOf(dead.webhookId)).map((d) => d.event_id).sort()).toEqual([oldEvent, recentEvent].sort());
    expect((await logsOf(dead.webhookId)).totalCount).toBe(2);
    expect(await deliveriesOf(pending.webhookId)).toHaveLength(2);
    // An event stays while a delivery refers to it (the old one's are dead or pending, the recent
    // one's delivered within the setting); the lone one, whose delivery was pruned, goes.
    const outbox = new Set((await db().selectFrom('event_outbox').select('id').where('id', 'in', [oldEvent, recentEvent, loneEvent]).execute()).map((e) => e.id));
    expect(outbox).toEqual(new Set([oldEvent, recentEvent]));
    // Audit logs are never pruned.
    expect((await db().selectFrom('admin_audit_logs').select('id').where('action', '=', 'resign-user').execute()).length).toBe(audits);
  });
});
