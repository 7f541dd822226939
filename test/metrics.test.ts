import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';
import { TEST_DB } from './helpers/database.js';

const TOKEN = 'metrics-token-0123456789abcdef';

// One after the other: two start-ups at once on a busy machine can outlast Fastify's plugin timeout.
// The delivery worker is off here, so events stay in the outbox where the gauges can see them.
const t = useTestServer({ METRICS: 'on', METRICS_TOKEN: TOKEN, SIGNIN_MAX_FAILURES: '2', DELIVERY_POLL_MS: '0' });
const plain = useTestServer();

async function scrape(server = t, token: string | null = TOKEN): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`${server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

/** The value of one series, found by its name and the labels given (others may be present). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[4]);
  }
  return undefined;
}

describe('/metrics', () => {
  it('is not served unless METRICS=on, while the same path answers on a server that turned it on', async () => {
    expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    expect((await scrape()).status).toBe(200);
  });

  it('refuses a scrape without the bearer token or with a wrong one, and serves the Prometheus text format with it', async () => {
    expect((await scrape(t, null)).status).toBe(401);
    expect((await scrape(t, 'wrong-token-0123456789abcdef')).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(value(ok.text, 'userpool_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts requests per route template and status, with their latency', async () => {
    const labels = { method: 'GET', route: '/oidc/.well-known/jwks.json', status: '200' };
    const before = value((await scrape()).text, 'userpool_http_requests_total', labels) ?? 0;
    for (let i = 0; i < 3; i++) expect((await fetch(`${t.url}/oidc/.well-known/jwks.json`)).status).toBe(200);
    const text = (await scrape()).text;
    expect(value(text, 'userpool_http_requests_total', labels)).toBe(before + 3);
    expect(value(text, 'userpool_http_request_duration_seconds_count', labels)).toBe(before + 3);
    expect(value(text, 'userpool_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(before + 3);
  });

  it('labels business errors with the envelope status, since they answer HTTP 200', async () => {
    const answer = await t.management.getUser({ userId: '0123456789abcdef01234567' } as never);
    expect(answer.statusCode).toBe(404);
    const text = (await scrape()).text;
    expect(value(text, 'userpool_http_requests_total', { route: '/api/v3/get-user', status: '200', envelope_status: '404' })).toBe(1);
  });

  it('counts sign-in outcomes and lock-outs', async () => {
    const app = await createApp(t);
    const client = authClient(t, app);
    const user = await createUser(t);
    const before = (await scrape()).text;
    const count = (text: string, outcome: string) => value(text, 'userpool_signins_total', { outcome }) ?? 0;

    expect((await signIn(client, user.username)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) await signIn(client, user.username, 'Wrong-password-1').catch((e) => e.response?.data);
    const locked = await signIn(client, user.username).catch((e) => e.response?.data);
    expect(locked.message).toMatch(/locked/);

    const after = (await scrape()).text;
    expect(count(after, 'success') - count(before, 'success')).toBe(1);
    // The second wrong password locks the account but answers as any wrong password; the right one after it is refused as locked.
    expect(count(after, 'wrong_credentials') - count(before, 'wrong_credentials')).toBe(2);
    expect(count(after, 'locked') - count(before, 'locked')).toBe(1);
    expect((value(after, 'userpool_lockouts_total') ?? 0) - (value(before, 'userpool_lockouts_total') ?? 0)).toBe(1);
  });

  it('counts each resignation once (resigning again changes nothing) and shows the outbox waiting', async () => {
    const user = await createUser(t);
    const before = (await scrape()).text;
    expect((await t.management.resignUser({ userId: user.userId } as never)).statusCode).toBe(200);
    expect((await t.management.resignUser({ userId: user.userId } as never)).statusCode).toBe(200);
    const after = (await scrape()).text;
    expect((value(after, 'userpool_resignations_total') ?? 0) - (value(before, 'userpool_resignations_total') ?? 0)).toBe(1);
    // The resignation queued a user.resigned event; nothing hands it on in this server.
    expect((value(after, 'userpool_outbox_pending_events') ?? 0) - (value(before, 'userpool_outbox_pending_events') ?? 0)).toBe(1);
    expect(value(after, 'userpool_outbox_delivery_lag_seconds')).toBeGreaterThan(0);
    // No webhook is subscribed, so no delivery waits.
    expect(value(after, 'userpool_deliveries_pending')).toBe(0);
    expect(value(after, 'userpool_delivery_lag_seconds')).toBe(0);
  });

  it(TEST_DB === 'postgres' ? 'reports the PostgreSQL pool: its size, connections open, busy and waiting' : 'reports no pool on SQLite (one connection)', async () => {
    const text = (await scrape()).text;
    if (TEST_DB === 'postgres') {
      expect(value(text, 'userpool_db_pool_connections', { state: 'max' })).toBe(10);
      expect(value(text, 'userpool_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
      expect(value(text, 'userpool_db_pool_connections', { state: 'waiting' })).toBe(0);
    } else {
      expect(value(text, 'userpool_db_pool_connections', { state: 'max' })).toBeUndefined();
    }
  });
});
