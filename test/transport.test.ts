import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestServer, useTestServer, type TestServer, NO_BACKGROUND_WORK } from './helpers/server.js';
import { newNonce, signedFetch, type SignedRequest } from './helpers/signed.js';
import { buildApp } from '../src/server/app.js';
import { memoryNonceStore } from '../src/server/nonce-store.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { loadConfig } from '../src/config.js';
import { ApiCode } from '../src/errors.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REQUEST_ID = /^[0-9a-f-]{36}$/;

const t = useTestServer();

async function raw(path: string, init: RequestInit = {}) {
  const response = await fetch(`${t.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the envelope on every answer', () => {
  it('answers an unknown route with HTTP 404 in the envelope', async () => {
    const answer = await raw('/api/v3/no-such-endpoint?x=1');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ statusCode: 404, apiCode: ApiCode.ROUTE_NOT_FOUND, message: 'no route GET /api/v3/no-such-endpoint' });
    expect(answer.body.requestId).toMatch(REQUEST_ID);
  });

  it('answers malformed JSON with HTTP 400 in the envelope', async () => {
    const answer = await raw('/api/v3/create-user', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": "half' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, apiCode: ApiCode.MALFORMED_BODY });
    expect(answer.body.message).toMatch(/^malformed JSON body/);
    expect(answer.body.requestId).toMatch(REQUEST_ID);
  });

  it('reads a signed POST without a body, as the SDK sends when it has no params, as an empty object', async () => {
    const answer = await t.management.makeRequest({ method: 'POST', url: '/api/v3/list-users' });
    expect(answer.statusCode).toBe(200);
    expect(answer.data.list).toEqual(expect.any(Array));
  });

  it('answers a body over 1 MiB with HTTP 413 in the envelope', async () => {
    const body = JSON.stringify({ username: 'big', customData: { blob: 'x'.repeat(1024 * 1024 + 10) } });
    const answer = await raw('/api/v3/create-user', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ statusCode: 413, apiCode: ApiCode.BODY_TOO_LARGE });
    expect(answer.body.requestId).toMatch(REQUEST_ID);
  });

  it('answers a refused signature with HTTP 401 in the envelope', async () => {
    const answer = await raw('/api/v3/get-user?userId=x');
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ statusCode: 401, apiCode: ApiCode.NOT_SIGNED_IN });
    expect(answer.body.requestId).toMatch(REQUEST_ID);
  });

  it('answers business errors and successes with HTTP 200 and a request id', async () => {
    const missing = await t.management.getUser({ userId: '000000000000000000000000' });
    expect(missing).toMatchObject({ statusCode: 404, apiCode: ApiCode.USER_NOT_FOUND });
    expect(missing.requestId).toMatch(REQUEST_ID);
    const invalid = await t.management.createUser({ username: 'bad-email', email: 'not-an-email' } as never);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.message).toMatch(/email/);
    expect(invalid.requestId).toMatch(REQUEST_ID);
    const ok = await t.management.listUsers({} as never);
    expect(ok.statusCode).toBe(200);
    expect(ok.requestId).toMatch(REQUEST_ID);
  });

  it('answers an unexpected fault with HTTP 500, the request id and no stack trace', async () => {
    const app = await buildApp({
      deps: t.server.deps,
      resolveKey: async () => undefined,
      nonces: memoryNonceStore(),
      maxSkewSeconds: 900,
      logLevel: 'silent',
    });
    app.get('/test/boom', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secret') at /srv/userpool/src/services/x.ts:42");
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/test/boom' });
      const body = response.json() as Record<string, string | number>;
      expect(response.statusCode).toBe(500);
      expect(body).toMatchObject({ statusCode: 500, apiCode: ApiCode.INTERNAL });
      expect(body.requestId).toMatch(REQUEST_ID);
      expect(body.message).toContain(String(body.requestId));
      expect(response.body).not.toMatch(/TypeError|secret|\.ts:\d+|at \//);
    } finally {
      await app.close();
    }
  });
});

describe('the replay-nonce cache', () => {
  const replayed = (server: { url: string }, keyId: string, secret: string, request: Partial<SignedRequest>) =>
    signedFetch(server.url, { method: 'GET', path: '/api/v3/list-ext-idp', keyId, secret, ...request });

  async function secondServer(first: TestServer, masterKey: string, env: Record<string, string>): Promise<RunningServer> {
    return startServer(
      loadConfig({
        DATABASE_URL: first.database.url,
        PORT: '0',
        LOG_LEVEL: 'silent',
        USERPOOL_MASTER_KEY: masterKey,
        USERPOOL_ACCESS_KEY_ID: first.keyId,
        USERPOOL_ACCESS_KEY_SECRET: first.secret,
        ...NO_BACKGROUND_WORK,
        ...env,
      }),
      () => {},
    );
  }

  it('refuses a nonce replayed from one server to another when both share one Redis and one database', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const first = await startTestServer({ USERPOOL_MASTER_KEY: masterKey, REDIS_URL });
    const second = await secondServer(first, masterKey, { REDIS_URL });
    try {
      // Same date and nonce: the very same signed request, sent again to the other node.
      const request = { date: new Date(), nonce: newNonce() };
      const once = await replayed(first, first.keyId, first.secret, request);
      expect(once.status).toBe(200);
      const again = await replayed({ url: second.url.replace('localhost', '127.0.0.1') }, first.keyId, first.secret, request);
      expect(again.status).toBe(401);
      expect(again.body.apiCode).toBe(ApiCode.SIGNATURE_REPLAYED);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('keeps nonces in the database without Redis, so a replay is refused by every node on that database', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const first = await startTestServer({ USERPOOL_MASTER_KEY: masterKey });
    const second = await secondServer(first, masterKey, {});
    try {
      const request = { date: new Date(), nonce: newNonce() };
      expect((await replayed(first, first.keyId, first.secret, request)).status).toBe(200);
      expect((await replayed(first, first.keyId, first.secret, request)).body.apiCode).toBe(ApiCode.SIGNATURE_REPLAYED);
      // Without REDIS_URL the nonces live in the shared database: the other node has seen it too.
      const elsewhere = await replayed({ url: second.url.replace('localhost', '127.0.0.1') }, first.keyId, first.secret, request);
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.body.apiCode).toBe(ApiCode.SIGNATURE_REPLAYED);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('/health', () => {
  it('answers 200 with each dependency it checked, Redis included when configured', async () => {
    expect(await raw('/health')).toEqual({ status: 200, body: { status: 'ok', checks: { database: 'ok' } } });
    const withRedis = await startTestServer({ REDIS_URL });
    try {
      const response = await fetch(`${withRedis.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
    } finally {
      await withRedis.close();
    }
  });

  it('answers 503 naming the database when it no longer answers', async () => {
    const server = await startTestServer();
    try {
      // Closing the connections under the running server stands for a database that went away.
      await server.server.deps.db.destroy();
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { database: 'down' } });
    } finally {
      // Closing what is already destroyed may fail; the throwaway database is dropped either way.
      await server.close().catch(() => {});
      await server.database.drop();
    }
  });
});
