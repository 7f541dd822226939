import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { newNonce, signedFetch, type SignedRequest } from './helpers/signed.js';
import { ApiCode } from '../src/errors.js';

// Inputs an attacker sends to find a crash: each must be a 400 that names the field, on SQLite
// and on PostgreSQL alike, next to a control that the same request without the trap works.

const t = useTestServer();
let userId: string;
let appId: string;
beforeAll(async () => {
  const created = await t.management.createUser({ username: `hostile_${newNonce().slice(0, 8)}`, email: `h${newNonce().slice(0, 6)}@example.com` } as never);
  userId = created.data.userId;
  const app = await signed({ method: 'POST', path: '/api/v3/create-application', params: { appName: 'hostile', appIdentifier: `hostile${newNonce().slice(0, 6)}`, appType: 'web' } });
  appId = app.body.data?.appId;
});

// en-US: our messages, which name the field and the reason (zh-CN callers read the cloud's 参数 <field> 格式错误).
const signed = (request: Omit<SignedRequest, 'keyId' | 'secret'> & Partial<SignedRequest>) => signedFetch(t.url, { keyId: t.keyId, secret: t.secret, lang: 'en-US', ...request });
const listUsers = (params: Record<string, unknown>) => signed({ method: 'POST', path: '/api/v3/list-users', params });

/** `{ [key]: [[[…]]] }` nested `depth` levels deep, as raw JSON text. */
function nested(key: string, depth: number): string {
  return `{"${key}":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

async function postRaw(path: string, body: string, keyId = t.keyId) {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `authing ${keyId}:AAAA`, date: new Date().toUTCString(), 'x-authing-signature-nonce': newNonce() },
    body,
  });
  return { status: response.status, body: (await response.json()) as { statusCode?: number; message?: string; apiCode?: number } };
}

describe('a body nested thousands of levels deep', () => {
  it('is refused with 400 naming the field, before the signature check walks it, even with a known key id', async () => {
    for (const depth of [5_000, 100_000]) {
      const answer = await postRaw('/api/v3/list-users', nested('searchQuery', depth));
      expect({ depth, status: answer.status }).toEqual({ depth, status: 400 });
      expect(answer.body).toMatchObject({ statusCode: 400, apiCode: ApiCode.MALFORMED_BODY });
      expect(answer.body.message).toMatch(/^searchQuery: nested more than 64 levels deep/);
    }
  });

  it('control: a body nested a few levels deep is signed, checked and answered', async () => {
    const answer = await listUsers({ searchQuery: { a: [[[{ b: [1] }]]] } });
    expect(answer.body.statusCode).toBe(200);
    // The same nesting with a forged signature is refused as a forgery, not as a malformed body.
    const forged = await postRaw('/api/v3/list-users', nested('searchQuery', 10));
    expect(forged.status).toBe(401);
    expect(forged.body.apiCode).toBe(ApiCode.SIGNATURE_INVALID);
  });
});

describe('NUL characters in identifiers, names and keywords', () => {
  const NUL = 'a\u0000b';

  it('get-user: 400 naming userId; control: an unknown id without NUL is a 404', async () => {
    const answer = await signed({ method: 'GET', path: '/api/v3/get-user', params: { userId: NUL } });
    expect(answer.body).toMatchObject({ statusCode: 400, apiCode: ApiCode.VALIDATION });
    expect(answer.body.message).toMatch(/userId: must not contain the NUL character/);
    const zh = await signed({ method: 'GET', path: '/api/v3/get-user', params: { userId: NUL }, lang: 'zh-CN' });
    expect(zh.body).toMatchObject({ statusCode: 400, message: '参数 userId 格式错误' });
    expect((await signed({ method: 'GET', path: '/api/v3/get-user', params: { userId: 'ab' } })).body.statusCode).toBe(404);
  });

  it('create-group: 400 naming name and code, and nothing is created; control: the same group without NUL is created', async () => {
    const code = `g${newNonce().slice(0, 8)}`;
    const answer = await signed({ method: 'POST', path: '/api/v3/create-group', params: { code: `${code}\u0000`, name: NUL, description: 'x' } });
    expect(answer.body).toMatchObject({ statusCode: 400, apiCode: ApiCode.VALIDATION });
    expect(answer.body.message).toMatch(/code: must not contain the NUL character/);
    expect(answer.body.message).toMatch(/name: must not contain the NUL character/);
    const listed = await signed({ method: 'GET', path: '/api/v3/list-groups', params: { keywords: code } });
    expect(listed.body.data.totalCount).toBe(0);
    expect((await signed({ method: 'POST', path: '/api/v3/create-group', params: { code, name: 'ab', description: 'x' } })).body.statusCode).toBe(200);
  });

  it('list-users: 400 naming keywords and a filter value; control: the same keywords without NUL list', async () => {
    const keywords = await listUsers({ keywords: NUL });
    expect(keywords.body).toMatchObject({ statusCode: 400, apiCode: ApiCode.VALIDATION });
    expect(keywords.body.message).toMatch(/keywords: must not contain the NUL character/);
    const filter = await listUsers({ advancedFilter: [{ field: 'email', operator: 'IN', value: ['x@example.com', NUL] }] });
    expect(filter.body.statusCode).toBe(400);
    expect(filter.body.message).toMatch(/advancedFilter\.0\.value\.1: must not contain the NUL character/);
    expect((await listUsers({ keywords: 'ab' })).body.statusCode).toBe(200);
  });

  it('the token endpoint: 400 invalid_request naming client_id; control: an unknown client_id is invalid_client', async () => {
    const post = (clientId: string) =>
      fetch(`${t.url}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'x' }).toString(),
      });
    const answer = await post(NUL);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/client_id: must not contain the NUL character/) });
    const control = await post(appId ?? 'ab');
    expect(control.status).toBe(401);
    expect(((await control.json()) as { error: string }).error).toBe('invalid_client');
  });
});

describe('NUL characters on the hosted sign-in routes', () => {
  it('answer an error page naming the parameter; control: without NUL the same request is judged on its merits', async () => {
    const page = await fetch(`${t.url}/oidc/auth?client_id=a%00b&response_type=code&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&scope=openid`, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/client_id: must not contain the NUL character/);
    const control = await fetch(`${t.url}/oidc/auth?client_id=ab&response_type=code&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&scope=openid`, { redirect: 'manual' });
    expect(await control.text()).not.toMatch(/NUL character/);
  });
});

describe('list-users fields named after what every JavaScript object has', () => {
  for (const field of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`refuses "${field}" as a sort, filter and fuzzy-search field with 400 naming each`, async () => {
      const sort = await listUsers({ options: { sort: [{ field, order: 'asc' }] } });
      expect(sort.body.statusCode).toBe(400);
      expect(sort.body.message).toMatch(new RegExp(`^options\\.sort\\[0\\]\\.field: cannot filter or sort on "${field}"`));
      const filter = await listUsers({ advancedFilter: [{ field, operator: 'EQUAL', value: 'x' }] });
      expect(filter.body.statusCode).toBe(400);
      expect(filter.body.message).toMatch(/^advancedFilter\[0\]\.field: cannot filter or sort on/);
      const fuzzy = await listUsers({ keywords: 'x', options: { fuzzySearchOn: [field] } });
      expect(fuzzy.body.statusCode).toBe(400);
      expect(fuzzy.body.message).toMatch(/^options\.fuzzySearchOn\[0\]: cannot filter or sort on/);
    });
  }

  it('control: real fields sort, filter and search', async () => {
    const answer = await listUsers({ keywords: 'hostile', advancedFilter: [{ field: 'userId', operator: 'EQUAL', value: userId }], options: { sort: [{ field: 'username', order: 'asc' }], fuzzySearchOn: ['username'] } });
    expect(answer.body.statusCode).toBe(200);
    expect(answer.body.data.list.map((u: { userId: string }) => u.userId)).toEqual([userId]);
  });
});

describe('query strings', () => {
  it('are parsed into objects without a prototype: keys named constructor or toString are plain params, signed as sent', async () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const answer = await signed({ method: 'GET', path: '/api/v3/get-user', params: { userId, [key]: 'x' } });
      expect({ key, status: answer.status, statusCode: answer.body.statusCode }).toEqual({ key, status: 200, statusCode: 200 });
      expect(answer.body.data.userId).toBe(userId);
    }
  });
});

describe('page numbers beyond any table', () => {
  it('list-users refuses page 1e300 with 400 naming options.pagination.page; control: a page past the end is an empty list', async () => {
    const answer = await listUsers({ options: { pagination: { page: 1e300, limit: 10 } } });
    expect(answer.body.statusCode).toBe(400);
    expect(answer.body.message).toMatch(/options\.pagination\.page: must be <= /);
    const control = await listUsers({ options: { pagination: { page: 1000, limit: 10 } } });
    expect(control.body).toMatchObject({ statusCode: 200, data: { list: [] } });
  });

  it('GET lists refuse page=1e300 with 400 naming page; control: a page past the end is an empty list', async () => {
    for (const path of ['/api/v3/list-groups', '/api/v3/list-roles', '/api/v3/list-namespaces', '/api/v3/list-applications']) {
      const answer = await signed({ method: 'GET', path, params: { page: '1e300', limit: 10 } });
      expect({ path, statusCode: answer.body.statusCode }).toEqual({ path, statusCode: 400 });
      // Roles and namespaces answer the cloud's wording for a bad page, which names it too.
      expect(answer.body.message).toMatch(/page: must be <= |参数 page 格式错误/);
      const control = await signed({ method: 'GET', path, params: { page: 1000, limit: 10 } });
      expect({ path, statusCode: control.body.statusCode, list: control.body.data?.list }).toEqual({ path, statusCode: 200, list: [] });
    }
  });
});

describe('an IN filter with 40 000 values', () => {
  it('is refused with 400 naming the filter value; control: 2 000 values are answered', async () => {
    const many = Array.from({ length: 40_000 }, (_, i) => `u${i}`);
    const answer = await listUsers({ advancedFilter: [{ field: 'username', operator: 'IN', value: many }] });
    expect(answer.body.statusCode).toBe(400);
    expect(answer.body.message).toMatch(/^advancedFilter\[0\]\.value: IN takes at most 2000 values \(got 40000\)/);
    const control = await listUsers({ advancedFilter: [{ field: 'userId', operator: 'IN', value: [...many.slice(0, 1999), userId] }] });
    expect(control.body.statusCode).toBe(200);
    expect(control.body.data.totalCount).toBe(1);
  });
});

describe('filter values of the wrong type for numeric and date fields', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['text for a number', { field: 'loginsCount', operator: 'GREATER', value: 'many' }, /^advancedFilter\[0\]\.value: loginsCount takes a whole number/],
    ['a fraction for a number', { field: 'loginsCount', operator: 'EQUAL', value: 1.5 }, /^advancedFilter\[0\]\.value: loginsCount takes a whole number/],
    ['a number out of range', { field: 'loginsCount', operator: 'LESSER', value: 1e300 }, /^advancedFilter\[0\]\.value: loginsCount takes a whole number/],
    ['text for a date', { field: 'createdAt', operator: 'GREATER', value: 'yesterday' }, /^advancedFilter\[0\]\.value: createdAt takes a date/],
    ['a bad date in a list', { field: 'lastLogin', operator: 'IN', value: ['2026-01-01T00:00:00Z', 'soon'] }, /^advancedFilter\[0\]\.value: lastLogin takes a date/],
    ['a bad date in a range', { field: 'updatedAt', operator: 'BETWEEN', value: ['2026-01-01', 'x'] }, /^advancedFilter\[0\]\.value: updatedAt takes a date/],
    ['CONTAINS on a number', { field: 'loginsCount', operator: 'CONTAINS', value: '1' }, /^advancedFilter\[0\]\.operator: loginsCount is not text/],
  ];
  for (const [name, item, message] of cases) {
    it(`refuses ${name} with 400 naming the filter`, async () => {
      const answer = await listUsers({ advancedFilter: [item] });
      expect(answer.body.statusCode).toBe(400);
      expect(answer.body.message).toMatch(message);
    });
  }

  it('refuses a fuzzy search on a date field with 400 naming it', async () => {
    const answer = await listUsers({ keywords: '2026', options: { fuzzySearchOn: ['username', 'createdAt'] } });
    expect(answer.body.statusCode).toBe(400);
    expect(answer.body.message).toMatch(/^options\.fuzzySearchOn\[1\]: createdAt is not text/);
  });

  it('control: numbers, numeric strings, ISO dates and epoch milliseconds filter as meant', async () => {
    const since = new Date(Date.now() - 3_600_000);
    const filters = [
      [{ field: 'loginsCount', operator: 'LESSER', value: 1 }],
      [{ field: 'loginsCount', operator: 'EQUAL', value: '0' }],
      [{ field: 'createdAt', operator: 'GREATER', value: since.toISOString() }],
      [{ field: 'createdAt', operator: 'BETWEEN', value: [since.getTime(), Date.now() + 3_600_000] }],
      [{ field: 'createdAt', operator: 'GREATER', value: since.toISOString().slice(0, 10) }],
    ];
    for (const advancedFilter of filters) {
      const answer = await listUsers({ advancedFilter: [...advancedFilter, { field: 'userId', operator: 'EQUAL', value: userId }] });
      expect({ advancedFilter, statusCode: answer.body.statusCode, totalCount: answer.body.data?.totalCount }).toEqual({ advancedFilter, statusCode: 200, totalCount: 1 });
    }
    const future = await listUsers({ advancedFilter: [{ field: 'createdAt', operator: 'GREATER', value: new Date(Date.now() + 86_400_000).toISOString() }] });
    expect(future.body.data.totalCount).toBe(0);
  });
});
