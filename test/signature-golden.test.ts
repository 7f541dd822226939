import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { axiosQuery, buildAuthorization, buildStringToSign, newNonce, sdkHeaders, signedFetch } from './helpers/signed.js';
import { stringToSign, verifySignature } from '../src/server/signature.js';
import { parseQueryString } from '../src/server/query-string.js';

const SECRET = 'golden-secret-0123456789';

/** What the SDK would put in the authorization header for these params. */
function sdkSignature(method: string, path: string, headers: Record<string, string>, params: Record<string, unknown>): string {
  return buildAuthorization('key', SECRET, buildStringToSign(method, path, headers, params)).split(':')[1];
}

/** The params as the server sees them after they crossed the wire. */
function overTheWire(method: string, params: Record<string, unknown>): Record<string, unknown> {
  if (method === 'GET') return parseQueryString(axiosQuery(params).slice(1));
  return JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
}

const cases: Array<[string, 'GET' | 'POST', Record<string, unknown>]> = [
  ['nested objects', 'POST', { username: 'a', customData: { profile: { team: 'core', tags: ['x', 'y'] } }, options: { resetPasswordOnFirstLogin: true } }],
  ['arrays of objects', 'POST', { list: [{ username: 'a', emailVerified: true }, { username: 'b', phone: '13800000000' }] }],
  ['booleans', 'POST', { emailVerified: false, phoneVerified: true, username: 'flags' }],
  ['numbers', 'POST', { options: { pagination: { page: 2, limit: 10 } }, zero: 0, ratio: 1.5 }],
  ['unicode', 'POST', { name: '张三 Zoë ✓ 🎉', nickname: 'ｆｕｌｌ－ｗｉｄｔｈ', customData: { 城市: '北京' } }],
  ['null and undefined fields', 'POST', { name: null, nickname: undefined, username: 'nulls' }],
  ['keys that sort differently by case', 'POST', { b: '1', B: '2', a: '3', _z: '4' }],
  ['GET query arrays', 'GET', { userIds: ['a', 'b', 'c'], userIdType: 'user_id' }],
  ['a GET query array of one', 'GET', { userIds: ['only'] }],
  ['GET booleans and numbers', 'GET', { withCustomData: true, withIdentities: false, page: 1, limit: 20 }],
  ['GET unicode', 'GET', { userId: '张三@例子.中国', userIdType: 'email' }],
];

describe('golden signatures built with the SDK signing functions', () => {
  for (const [name, method, params] of cases) {
    it(`builds the same string to sign as the SDK for ${name}`, () => {
      const headers = sdkHeaders(new Date('2026-01-02T03:04:05Z'), 'nonce-0123456789');
      const sdk = buildStringToSign(method, '/api/v3/x', headers, params);
      const ours = stringToSign(method, '/api/v3/x', headers, JSON.parse(JSON.stringify(params)));
      expect(ours).toBe(sdk);
    });

    it(`verifies an SDK signature for ${name} after the params crossed the wire`, () => {
      const headers = sdkHeaders();
      const signature = sdkSignature(method, '/api/v3/x', headers, params);
      const request = { method, path: '/api/v3/x', headers, params: overTheWire(method, params) };
      expect(verifySignature(SECRET, signature, request)).toBe(true);
      expect(verifySignature(`${SECRET}!`, signature, request)).toBe(false);
    });
  }

  it('verifies the SDK signature of a GET whose empty array axios left off the wire, given the declared array params', () => {
    const headers = sdkHeaders();
    const params = { userIds: [], withCustomData: true };
    const signature = sdkSignature('GET', '/api/v3/x', headers, params);
    const request = { method: 'GET', path: '/api/v3/x', headers, params: overTheWire('GET', params) };
    expect(request.params).toEqual({ withCustomData: 'true' });
    expect(verifySignature(SECRET, signature, request)).toBe(false);
    expect(verifySignature(SECRET, signature, request, ['userIds', 'departmentIds'])).toBe(true);
  });

  it('verifies the SDK signature of a request whose params were all undefined', () => {
    const headers = sdkHeaders();
    const signature = sdkSignature('GET', '/api/v3/x', headers, { userId: undefined });
    expect(verifySignature(SECRET, signature, { method: 'GET', path: '/api/v3/x', headers, params: {} })).toBe(true);
  });
});

describe('golden requests over HTTP', () => {
  const t = useTestServer();

  const send = (method: 'GET' | 'POST', path: string, params: Record<string, unknown>) =>
    signedFetch(t.url, { method, path, params, keyId: t.keyId, secret: t.secret, nonce: newNonce() });

  it('accepts a create-user with nested custom data, booleans, null and unicode, and stores them as sent', async () => {
    const username = `gold_${newNonce().slice(0, 8)}`;
    const answer = await send('POST', '/api/v3/create-user', {
      username,
      name: '张三 Zoë ✓ 🎉',
      nickname: null,
      emailVerified: true,
      phoneVerified: false,
      customData: { profile: { team: 'core', levels: [1, 2], active: true }, 城市: '北京' },
      options: { resetPasswordOnFirstLogin: false },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.statusCode).toBe(200);
    expect(answer.body.data).toMatchObject({ username, name: '张三 Zoë ✓ 🎉', emailVerified: true, phoneVerified: false });
    expect(answer.body.data.customData).toEqual({ profile: { team: 'core', levels: [1, 2], active: true }, 城市: '北京' });
  });

  it('accepts a create-users-batch whose list is an array of objects', async () => {
    const s = newNonce().slice(0, 8);
    const answer = await send('POST', '/api/v3/create-users-batch', { list: [{ username: `ga_${s}` }, { username: `gb_${s}`, emailVerified: true }] });
    expect(answer.body.statusCode).toBe(200);
    expect(answer.body.data).toHaveLength(2);
  });

  it('accepts a list-users with numbers nested in its options', async () => {
    const answer = await send('POST', '/api/v3/list-users', { options: { pagination: { page: 1, limit: 5 }, withCustomData: true } });
    expect(answer.status).toBe(200);
    expect(answer.body.statusCode).toBe(200);
    expect(answer.body.data.list.length).toBeLessThanOrEqual(5);
  });

  it('accepts a GET query array sent as userIds[]=a&userIds[]=b, and one of a single item', async () => {
    const s = newNonce().slice(0, 8);
    const created = await send('POST', '/api/v3/create-users-batch', { list: [{ username: `qa_${s}` }, { username: `qb_${s}` }] });
    const ids = (created.body.data as Array<{ userId: string }>).map((u) => u.userId);
    const both = await send('GET', '/api/v3/get-user-batch', { userIds: ids, withCustomData: true });
    expect(both.status).toBe(200);
    expect((both.body.data as Array<{ userId: string }>).map((u) => u.userId)).toEqual(ids);
    const one = await send('GET', '/api/v3/get-user-batch', { userIds: [ids[0]] });
    expect(one.status).toBe(200);
    expect(one.body.data).toHaveLength(1);
  });

  it('accepts a GET whose unicode query value is percent-encoded on the wire', async () => {
    const name = `名字_${newNonce().slice(0, 6)}`;
    const created = await send('POST', '/api/v3/create-user', { username: name });
    expect(created.body.statusCode).toBe(200);
    const answer = await send('GET', '/api/v3/get-user', { userId: name, userIdType: 'username', withCustomData: false });
    expect(answer.status).toBe(200);
    expect(answer.body.data.username).toBe(name);
  });

  it('reaches validation with an SDK get-user-batch of an empty userIds array, instead of refusing its signature', async () => {
    const answer = await t.management.getUserBatch({ userIds: [] });
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toMatch(/userIds: /);
  });

  it('accepts the official ManagementClient calls that carry arrays in the query', async () => {
    const s = newNonce().slice(0, 8);
    const a = await t.management.createUser({ username: `sdk_${s}` } as never);
    const answer = await t.management.getUserBatch({ userIds: [a.data.userId], withIdentities: true } as never);
    expect(answer.statusCode).toBe(200);
    expect(answer.data[0].userId).toBe(a.data.userId);
  });
});
