import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { newNonce, signedFetch, type SignedRequest } from './helpers/signed.js';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { pruneExpired } from '../src/services/retention.js';
import { ApiCode } from '../src/errors.js';

let database: TestDatabase;
const keyId = randomBytes(12).toString('hex');
const secret = randomBytes(24).toString('base64url');
const env = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'),
  USERPOOL_ACCESS_KEY_ID: keyId,
  USERPOOL_ACCESS_KEY_SECRET: secret,
  PRUNE_INTERVAL_SECONDS: '0',
};

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function start(): Promise<{ server: RunningServer; url: string }> {
  const server = await startServer(loadConfig({ ...env, DATABASE_URL: database.url }), () => {});
  return { server, url: server.url.replace('localhost', '127.0.0.1') };
}

// One exact request, as captured on the wire: same date, same nonce, same signature.
const captured = (nonce: string, date: Date): SignedRequest => ({
  method: 'POST',
  path: '/api/v3/create-user',
  params: { username: `replayed_${nonce.slice(0, 8)}` },
  keyId,
  secret,
  nonce,
  date,
});

describe('signature nonces without Redis', () => {
  it('refuse a signed request replayed after the server restarted, within the date window', async () => {
    const nonce = newNonce();
    const date = new Date();
    const first = await start();
    try {
      const answer = await signedFetch(first.url, captured(nonce, date));
      expect(answer.body.statusCode).toBe(200);
    } finally {
      await first.server.close();
    }

    const second = await start();
    try {
      const replay = await signedFetch(second.url, captured(nonce, date));
      expect(replay.status).toBe(401);
      expect(replay.body.apiCode).toBe(ApiCode.SIGNATURE_REPLAYED);
      // Control: the same request with a nonce never seen is accepted by the restarted server.
      const fresh = await signedFetch(second.url, { ...captured(newNonce(), date), params: { username: `fresh_${newNonce().slice(0, 8)}` } });
      expect(fresh.status).toBe(200);
      expect(fresh.body.statusCode).toBe(200);
    } finally {
      await second.server.close();
    }
  });

  it('are removed once their window closed, and only then', async () => {
    const { server, url } = await start();
    try {
      expect((await signedFetch(url, { ...captured(newNonce(), new Date()), params: { username: `kept_${newNonce().slice(0, 8)}` } })).status).toBe(200);
      const count = async () =>
        Number((await sql<{ n: number }>`select count(*) as n from signature_nonces`.execute(server.deps.db)).rows[0].n);
      const before = await count();
      expect(before).toBeGreaterThan(0);
      // Now: every nonce is still inside its window (twice SIGNATURE_MAX_SKEW_SECONDS).
      expect((await pruneExpired(server.deps)).signatureNonces).toBe(0);
      expect(await count()).toBe(before);
      // An hour on, every window has closed.
      expect((await pruneExpired(server.deps, Date.now() + 3_600_000)).signatureNonces).toBe(before);
      expect(await count()).toBe(0);
    } finally {
      await server.close();
    }
  });
});
