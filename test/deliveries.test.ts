import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enqueueDelivery, retryDelay, type DeliveryRequest } from '../src/services/deliveries.js';
import { findPoolByName } from '../src/store/pools.js';
import { post } from '../src/delivery/http-client.js';
import { useTestServer } from './helpers/server.js';
import { eventually, startReceiver } from './helpers/receiver.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let poolId: string;
const routes = new Map<string, (index: number) => import("./helpers/receiver.js").Answer>();

beforeAll(async () => {
  // Each path of the receiver answers as its test decides; the default is 200.
  receiver = await startReceiver((request) => {
    const route = routes.get(request.path.split('?')[0]);
    const seen = receiver.received.filter((r) => r.path === request.path).length - 1;
    return route ? route(seen) : { status: 200 };
  });
});
afterAll(async () => {
  await receiver?.close();
});
const t = useTestServer({ DELIVERY_POLL_MS: '50', DELIVERY_TIMEOUT_MS: '1000' });
beforeAll(async () => {
  poolId = (await findPoolByName(t.server.deps.db, 'default'))!.id;
});

const db = () => t.server.deps.db;
let counter = 0;
const path = (name: string) => `/${name}-${++counter}`;

function enqueue(url: string, extra: Partial<DeliveryRequest> = {}) {
  return db().transaction().execute((trx) =>
    enqueueDelivery(trx, {
      poolId, kind: 'backchannel-logout', url, contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ logout_token: 'header.payload.signature' }).toString(), ...extra,
    }));
}
const delivery = (id: string) => db().selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const attempts = (id: string) => db().selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', id).orderBy('created_at').orderBy('id').execute();
const settled = (id: string) => eventually(async () => ((await delivery(id)).status !== 'pending' ? delivery(id) : undefined), 20_000, `delivery ${id} settled`);
const hits = (p: string) => receiver.received.filter((r) => r.path === p);

describe('the delivery engine', () => {
  it('sends a delivery committed in the caller\'s transaction, as a form POST with its body', async () => {
    const p = path('logout');
    const id = await enqueue(receiver.url + p);
    const [request] = await receiver.waitFor(1, 10_000, (r) => r.path === p);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(request.body).get('logout_token')).toBe('header.payload.signature');
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
    expect((await attempts(id))[0]).toMatchObject({ success: 1, response_status: 200, response_body: 'ok' });
  });

  it('sends nothing for a transaction that rolled back', async () => {
    const p = path('rolled-back');
    const control = path('committed');
    await expect(db().transaction().execute(async (trx) => {
      await enqueueDelivery(trx, { poolId, kind: 'backchannel-logout', url: receiver.url + p, contentType: 'text/plain', body: 'x' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    await enqueue(receiver.url + control);
    await receiver.waitFor(1, 10_000, (r) => r.path === control);
    await new Promise((r) => setTimeout(r, 300));
    expect(hits(p)).toHaveLength(0);
    expect(await db().selectFrom('deliveries').select('id').where('url', '=', receiver.url + p).execute()).toHaveLength(0);
  });

  it('retries a failing receiver with growing delays until it answers 2xx', async () => {
    const p = path('flaky');
    routes.set(p, (i) => (i < 2 ? { status: 500, body: 'down' } : { status: 204 }));
    const id = await enqueue(receiver.url + p, { retryDelayMs: 300, maxAttempts: 5 });
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3 });
    const got = hits(p);
    expect(got).toHaveLength(3);
    // Base 300 ms ±25 %, then 600 ms ±25 %: the second wait is the longer one.
    const first = got[1].at - got[0].at;
    const second = got[2].at - got[1].at;
    expect(first).toBeGreaterThanOrEqual(225);
    expect(second).toBeGreaterThanOrEqual(450);
    expect(second).toBeGreaterThan(first);
    const logged = await attempts(id);
    expect(logged.map((a) => [a.response_status, a.success])).toEqual([[500, 0], [500, 0], [204, 1]]);
    expect(logged[0].error_message).toBe('answered 500');
    expect(logged[0].response_body).toBe('down');
  });

  it('declares a delivery dead after its last try, and sends it again when asked', async () => {
    const p = path('dead');
    let up = false;
    routes.set(p, () => (up ? { status: 200 } : { status: 503 }));
    const id = await enqueue(receiver.url + p, { retryDelayMs: 50, maxAttempts: 2 });
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 2, last_error: 'answered 503' });
    expect(hits(p)).toHaveLength(2);

    up = true;
    const { resendDead } = await import('../src/services/deliveries.js');
    expect(await resendDead(db(), { ids: [id] })).toBe(1);
    await eventually(async () => (await delivery(id)).status === 'delivered', 10_000, 'delivered after re-send');
    expect(hits(p)).toHaveLength(3);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const p = path('hang');
    routes.set(p, () => 'hang');
    const started = Date.now();
    const id = await enqueue(receiver.url + p, { maxAttempts: 1 });
    const row = await settled(id);
    expect(row.status).toBe('dead');
    expect(row.last_error).toBe('timed out after 1000 ms');
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('keeps sending after a delivery is deleted while it is being sent, and logs no attempt for it', async () => {
    const gone = path('gone');
    routes.set(gone, () => 'hang');
    const goneId = await enqueue(receiver.url + gone);
    await receiver.waitFor(1, 10_000, (r) => r.path === gone);
    // As delete-webhook does with a webhook's deliveries, while the send waits for its timeout.
    await db().deleteFrom('deliveries').where('id', '=', goneId).execute();
    await new Promise((r) => setTimeout(r, 1500));
    const next = path('after-gone');
    const id = await enqueue(receiver.url + next);
    expect(await settled(id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await attempts(goneId)).toEqual([]);
  });

  it('does not follow redirects: a 3xx is a failed attempt and the new location is never asked', async () => {
    const p = path('redirect');
    const target = path('redirect-target');
    routes.set(p, () => ({ status: 302, headers: { location: receiver.url + target } }));
    const id = await enqueue(receiver.url + p, { maxAttempts: 1 });
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'dead' });
    expect(row.last_error).toMatch(/302.*redirects are not followed/);
    expect(hits(target)).toHaveLength(0);
    expect((await attempts(id))[0].response_headers).toContain(target);
  });

  it('keeps a truncated copy of long answers', async () => {
    const p = path('long');
    routes.set(p, () => ({ status: 200, body: 'x'.repeat(50_000) }));
    const id = await enqueue(receiver.url + p);
    await settled(id);
    const [attempt] = await attempts(id);
    expect(attempt.response_body).toHaveLength(4096);
  });

  it('refuses the cloud metadata address without connecting, and gives up at once', async () => {
    const id = await enqueue('http://169.254.169.254/latest/meta-data/', { maxAttempts: 5 });
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/169\.254\.169\.254 is a cloud metadata address/);
  });
});

describe('the address policy of the HTTP client', () => {
  const request = (url: string, refusePrivate: boolean) => post({ url, headers: {}, body: '', timeoutMs: 2000, refusePrivate, maxBodyBytes: 100 });

  it('refuses loopback targets after DNS resolution when private targets are refused, and reaches them otherwise', async () => {
    const byName = `http://localhost:${receiver.port}/policy`;
    const refused = await request(byName, true);
    expect(refused).toMatchObject({ ok: false, refused: true });
    expect(refused.error).toMatch(/localhost resolves to .*(127\.0\.0\.1|::1).* private, loopback or link-local/);
    expect(await request(`http://127.0.0.1:${receiver.port}/policy`, true)).toMatchObject({ ok: false, refused: true });
    // Control: the same targets with the default policy.
    expect(await request(`http://127.0.0.1:${receiver.port}/policy`, false)).toMatchObject({ ok: true, status: 200 });
  });

  it('refuses metadata addresses whatever the setting, in IPv4-mapped form too', async () => {
    expect((await request('http://169.254.169.254/', false)).refused).toBe(true);
    expect((await request('http://[::ffff:169.254.169.254]/', false)).refused).toBe(true);
    expect((await request('http://[::ffff:10.0.0.1]:9/', true)).refused).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles from the base with ±25 % jitter and never waits more than a day', () => {
    expect(retryDelay(1000, 1, 0)).toBe(750);
    expect(retryDelay(1000, 1, 1)).toBe(1250);
    expect(retryDelay(1000, 3, 0.5)).toBe(4000);
    expect(retryDelay(3_600_000, 20, 0.5)).toBe(86_400_000);
  });
});
