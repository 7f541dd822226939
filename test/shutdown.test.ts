import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { startCliServer } from './helpers/cli.js';
import { managementClient } from './helpers/server.js';
import { buildAuthorization, buildStringToSign, sdkHeaders } from './helpers/signed.js';

// Spawns `userpool serve` processes; on a busy machine a start-up alone can take many seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let database: TestDatabase;
const masterKey = randomBytes(32).toString('base64');
const keyId = `shut-${randomBytes(6).toString('hex')}`;
const secret = randomBytes(24).toString('base64url');
const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: database.url,
  USERPOOL_MASTER_KEY: masterKey,
  USERPOOL_ACCESS_KEY_ID: keyId,
  USERPOOL_ACCESS_KEY_SECRET: secret,
  PORT: '0',
  LOG_LEVEL: 'info',
  PRUNE_INTERVAL_SECONDS: '0',
  ...extra,
});
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/**
 * A signed create-user whose body arrives in two halves: the request is in flight on the server
 * (headers read, body awaited) until `finish()` sends the rest.
 */
function slowCreateUser(url: string, username: string) {
  const path = '/api/v3/create-user';
  const params = { username, password: 'Correct-horse-1' };
  const headers = sdkHeaders();
  const authorization = buildAuthorization(keyId, secret, buildStringToSign('POST', path, headers, params));
  const body = Buffer.from(JSON.stringify(params));
  let finish = () => {};
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { ...headers, authorization, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(body.subarray(0, 10));
    finish = () => req.end(body.subarray(10));
  });
  return { answer, finish: () => finish() };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown of a real server process', () => {
  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0; the write is there after a restart', async () => {
    const server = await startCliServer(env());
    const username = `slow_${randomBytes(4).toString('hex')}`;
    const slow = slowCreateUser(server.url, username);
    await pause(500); // the server has read the headers and waits for the body
    const exited = server.stop(); // SIGTERM
    await pause(1000);
    // The listener is closed: a new connection is refused.
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    slow.finish();
    const answer = await slow.answer;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, data: { username } });
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/"outcome":"drained"/);

    const again = await startCliServer(env());
    try {
      const found = await managementClient(again.url, keyId, secret).getUser({ userId: answer.body.data.userId } as never);
      expect(found).toMatchObject({ statusCode: 200, data: { username } });
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it('cuts a request still unfinished at SHUTDOWN_TIMEOUT_SECONDS and exits 1, while an idle server stops at once', async () => {
    const server = await startCliServer(env({ SHUTDOWN_TIMEOUT_SECONDS: '1' }));
    const slow = slowCreateUser(server.url, `never_${randomBytes(4).toString('hex')}`);
    const failed = slow.answer.then(() => 'answered', () => 'cut');
    await pause(500);
    const started = Date.now();
    expect(await server.stop()).toBe(1);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(await failed).toBe('cut');
    expect(server.output()).toMatch(/shutdown deadline reached/);

    // The control: with nothing in flight the same server stops cleanly.
    const idle = await startCliServer(env({ SHUTDOWN_TIMEOUT_SECONDS: '1' }));
    expect(await idle.stop()).toBe(0);
  });
});
