import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from './helpers/server.js';
import { newNonce, signedFetch, type SignedRequest } from './helpers/signed.js';
import { createKey, listKeys, revokeKey } from '../src/services/access-keys.js';
import { ApiCode } from '../src/errors.js';

const t = useTestServer();
let userId: string;
beforeAll(async () => {
  const created = await t.management.createUser({ username: `sig_${newNonce().slice(0, 8)}` } as never);
  userId = created.data.userId;
});

const getUser = (extra: Partial<SignedRequest> = {}): SignedRequest => ({
  method: 'GET',
  path: '/api/v3/get-user',
  params: { userId, withCustomData: true },
  keyId: t.keyId,
  secret: t.secret,
  ...extra,
});

const createUser = (username: string, extra: Partial<SignedRequest> = {}): SignedRequest => ({
  method: 'POST',
  path: '/api/v3/create-user',
  params: { username, customData: { team: 'core' } },
  keyId: t.keyId,
  secret: t.secret,
  ...extra,
});

const MINUTE = 60_000;

describe('signed management requests', () => {
  it('accepts a GET and a POST signed exactly as the SDK signs them', async () => {
    const read = await signedFetch(t.url, getUser());
    expect(read.status).toBe(200);
    expect(read.body.statusCode).toBe(200);
    expect(read.body.data.userId).toBe(userId);
    const write = await signedFetch(t.url, createUser(`ok_${newNonce().slice(0, 8)}`));
    expect(write.body.statusCode).toBe(200);
  });

  it('refuses a request without an authorization header with 401 and apiCode 2020', async () => {
    const answer = await signedFetch(t.url, getUser({ unsigned: true }));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ statusCode: 401, apiCode: ApiCode.NOT_SIGNED_IN });
    expect(answer.body.message).toMatch(/authorization/);
    expect(answer.body.requestId).toBeTruthy();
  });

  it('refuses an access key the server does not know', async () => {
    const answer = await signedFetch(t.url, getUser({ keyId: 'ffffffffffffffffffffffff' }));
    expect(answer.status).toBe(401);
    expect(answer.body.apiCode).toBe(ApiCode.ACCESS_KEY_UNKNOWN);
  });

  it('refuses a revoked access key', async () => {
    // Revoked before its first use, so no cached answer can stand in for the database.
    const key = await createKey(t.server.deps, await poolOf(t));
    expect(await revokeKey(t.server.deps.db, key.keyId)).toBe(true);
    const answer = await signedFetch(t.url, getUser({ keyId: key.keyId, secret: key.secret }));
    expect(answer.status).toBe(401);
    expect(answer.body.apiCode).toBe(ApiCode.ACCESS_KEY_UNKNOWN);
  });

  it('refuses a signature made with the wrong secret', async () => {
    const answer = await signedFetch(t.url, getUser({ secret: `${t.secret}x` }));
    expect(answer.status).toBe(401);
    expect(answer.body.apiCode).toBe(ApiCode.SIGNATURE_INVALID);
  });

  it('refuses a body changed after signing and does not apply it', async () => {
    const signedName = `signed_${newNonce().slice(0, 8)}`;
    const sentName = `forged_${newNonce().slice(0, 8)}`;
    const answer = await signedFetch(t.url, createUser(signedName, { tamper: (wire) => void (wire.body.username = sentName) }));
    expect(answer.status).toBe(401);
    expect(answer.body.apiCode).toBe(ApiCode.SIGNATURE_INVALID);
    expect((await t.management.isUserExists({ username: sentName } as never)).data.exists).toBe(false);
  });

  it('refuses a nested body field changed after signing', async () => {
    const answer = await signedFetch(t.url, createUser(`nested_${newNonce().slice(0, 8)}`, { tamper: (wire) => void ((wire.body.customData as Record<string, unknown>).team = 'admins') }));
    expect(answer.status).toBe(401);
    expect(answer.body.apiCode).toBe(ApiCode.SIGNATURE_INVALID);
  });

  it('refuses a query changed after signing', async () => {
    const answer = await signedFetch(t.url, getUser({ tamper: (wire) => void (wire.query.withCustomData = false) }));
    expect(answer.status).toBe(401);
    expect(answer.body.apiCode).toBe(ApiCode.SIGNATURE_INVALID);
    const added = await signedFetch(t.url, getUser({ tamper: (wire) => void (wire.query.userIdType = 'username') }));
    expect(added.status).toBe(401);
  });

  it('refuses a date more than 15 minutes in the past or in the future', async () => {
    for (const offset of [-16 * MINUTE, 16 * MINUTE]) {
      const answer = await signedFetch(t.url, getUser({ date: new Date(Date.now() + offset) }));
      expect({ offset, status: answer.status, apiCode: answer.body.apiCode }).toEqual({ offset, status: 401, apiCode: ApiCode.SIGNATURE_STALE });
    }
  });

  it('accepts a date a few minutes off the server clock in either direction', async () => {
    for (const offset of [-10 * MINUTE, 10 * MINUTE]) {
      const answer = await signedFetch(t.url, getUser({ date: new Date(Date.now() + offset) }));
      expect({ offset, status: answer.status }).toEqual({ offset, status: 200 });
    }
  });

  it('refuses a nonce it has already seen within the window', async () => {
    const nonce = newNonce();
    expect((await signedFetch(t.url, getUser({ nonce }))).status).toBe(200);
    const replay = await signedFetch(t.url, getUser({ nonce }));
    expect(replay.status).toBe(401);
    expect(replay.body.apiCode).toBe(ApiCode.SIGNATURE_REPLAYED);
  });

  it('does not let a badly signed request burn the nonce of a genuine one', async () => {
    const nonce = newNonce();
    expect((await signedFetch(t.url, getUser({ nonce, secret: 'not-the-secret-at-all' }))).status).toBe(401);
    expect((await signedFetch(t.url, getUser({ nonce }))).status).toBe(200);
  });
});

async function poolOf(server: TestServer): Promise<string> {
  return (await listKeys(server.server.deps.db)).find((k) => k.keyId === server.keyId)!.poolId;
}
