import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/apps.js';
import { PATCH_OP, USER, scimClient, scimToken, type ScimClient } from './helpers/scim.js';
import { revokeScimToken, hashToken } from '../src/services/scim/tokens.js';
import { setScimSettings } from '../src/services/scim/settings.js';

// Each refusal next to the same call made properly: the path works, and refuses only what it should.

// No credential cache: a revocation reaches this one process at once (the Redis path is in scim-tokens).
const t = useTestServer({ ACCESS_KEY_CACHE_SECONDS: '0' });
let token: string;
let scim: ScimClient;
let poolId: string;
beforeAll(async () => {
  token = await scimToken(t);
  scim = scimClient(t.url, token);
  poolId = (await t.server.deps.db.selectFrom('user_pools').select('id').where('name', '=', 'default').executeTakeFirstOrThrow()).id;
});

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

async function newUser(client = scim, extra: Record<string, unknown> = {}) {
  const s = uniq();
  const answer = await client.post('/Users', { schemas: [USER], userName: `u.${s}@example.com`, emails: [{ value: `u.${s}@example.com`, primary: true }], ...extra });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; userName: string; meta: { version: string } };
}

async function userCount() {
  return Number((await t.server.deps.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

describe('filters', () => {
  it('refuses a filter it cannot read, or on an attribute it cannot filter, as invalidFilter; a good filter answers', async () => {
    const user = await newUser();
    const good = await scim.filter('Users', `userName eq "${user.userName}"`);
    expect(good.status).toBe(200);
    expect(good.body.totalResults).toBe(1);
    for (const bad of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'title eq "x"', 'active gt true', 'meta.lastModified gt "yesterday"', 'emails[type eq "work"]']) {
      const answer = await scim.filter('Users', bad);
      expect(answer.status, bad).toBe(400);
      expect(answer.body, bad).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    }
    expect((await scim.filter('Groups', 'members.display eq "x"')).body.scimType).toBe('invalidFilter');
    expect((await scim.get('/Users?count=abc')).status).toBe(400);
  });
});

describe('tokens', () => {
  it('refuses a missing, malformed or unknown token with 401 and a Bearer challenge; the issued one answers', async () => {
    expect((await scim.get('/Users?count=1')).status).toBe(200);
    const missing = await fetch(`${t.url}/scim/v2/Users`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ schemas: [ERROR], status: '401' });
    expect((await scimClient(t.url, `${token}x`).get('/Users')).status).toBe(401);
    expect((await scimClient(t.url, 'scim_not-a-token').get('/Users')).status).toBe(401);
    const basic = await fetch(`${t.url}/scim/v2/Users`, { headers: { authorization: `Basic ${Buffer.from(`a:${token}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  it('refuses a revoked token at once while another token of the pool keeps working', async () => {
    const other = await scimToken(t);
    const doomed = await scimToken(t);
    const id = (await t.server.deps.db.selectFrom('scim_tokens').select('id').where('token_hash', '=', hashToken(doomed)).executeTakeFirstOrThrow()).id;
    expect((await scimClient(t.url, doomed).get('/Users?count=1')).status).toBe(200);
    expect(await revokeScimToken(t.server.deps.db, id)).toBe(hashToken(doomed));
    const after = await scimClient(t.url, doomed).get('/Users?count=1');
    expect(after).toMatchObject({ status: 401, body: { detail: 'unknown or revoked SCIM token' } });
    expect((await scimClient(t.url, other).get('/Users?count=1')).status).toBe(200);
  });

  it('reaches only its own pool: another pool\'s token finds nothing of this one', async () => {
    const user = await newUser();
    const pool = await t.newPool();
    const foreign = scimClient(t.url, await scimToken(t, pool.poolId));
    expect((await scim.get(`/Users/${user.id}`)).status).toBe(200);
    expect((await foreign.get(`/Users/${user.id}`)).status).toBe(404);
    expect((await foreign.filter('Users', `userName eq "${user.userName}"`)).body.totalResults).toBe(0);
    expect((await foreign.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] })).status).toBe(404);
    expect((await foreign.delete(`/Users/${user.id}`)).status).toBe(404);
    expect((await scim.get(`/Users/${user.id}`)).body.active).toBe(true);
    // The same userName is free in the other pool: pools are separate directories.
    expect((await foreign.post('/Users', { schemas: [USER], userName: user.userName })).status).toBe(201);
  });
});

describe('uniqueness', () => {
  it('answers 409 uniqueness for a taken userName, email or externalId and writes nothing; a free one is created', async () => {
    const taken = await newUser(scim, { externalId: `ext-${uniq()}` });
    const before = await userCount();
    const clash = await scim.post('/Users', { schemas: [USER], userName: taken.userName });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness', detail: expect.stringMatching(/username/) });
    const email = await scim.post('/Users', { schemas: [USER], userName: `x.${uniq()}`, emails: [{ value: taken.userName.toUpperCase(), primary: true }] });
    expect(email).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    expect(await userCount()).toBe(before);
    const other = await newUser();
    const put = await scim.put(`/Users/${other.id}`, { schemas: [USER], userName: taken.userName });
    expect(put).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    expect((await scim.get(`/Users/${other.id}`)).body.userName).toBe(other.userName);
    expect((await scim.post('/Users', { schemas: [USER], userName: `free.${uniq()}` })).status).toBe(201);
  });
});

describe('ETags', () => {
  it('refuses a write whose If-Match is stale with 412 and changes nothing; the current ETag or none goes through', async () => {
    const user = await newUser();
    const read = await scim.get(`/Users/${user.id}`);
    expect(read.etag).toBe(user.meta.version);
    const first = await scim.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'First' }] }, { 'if-match': read.etag! });
    expect(first.status).toBe(200);
    expect(first.etag).not.toBe(read.etag);
    const stale = await scim.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Stale' }] }, { 'if-match': read.etag! });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ schemas: [ERROR], status: '412' });
    expect((await scim.put(`/Users/${user.id}`, { schemas: [USER], userName: user.userName }, { 'if-match': read.etag! })).status).toBe(412);
    expect((await scim.delete(`/Users/${user.id}`, { 'if-match': read.etag! })).status).toBe(412);
    expect((await scim.get(`/Users/${user.id}`)).body).toMatchObject({ displayName: 'First', active: true });
    expect((await scim.get(`/Users/${user.id}`, { 'if-none-match': first.etag! })).status).toBe(304);
    expect((await scim.delete(`/Users/${user.id}`, { 'if-match': first.etag! })).status).toBe(204);
  });
});

describe('resignation is terminal', () => {
  it('refuses to re-activate a resigned user (mutability), while a suspended one comes back', async () => {
    const suspended = await newUser();
    await scim.patch(`/Users/${suspended.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    const back = await scim.patch(`/Users/${suspended.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect(back).toMatchObject({ status: 200, body: { active: true } });

    const resigned = await newUser();
    expect((await t.management.resignUser({ userId: resigned.id } as never)).statusCode).toBe(200);
    expect((await scim.get(`/Users/${resigned.id}`)).body.active).toBe(false);
    const refused = await scim.patch(`/Users/${resigned.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect(refused).toMatchObject({ status: 400, body: { schemas: [ERROR], scimType: 'mutability', detail: expect.stringMatching(/resigned/) } });
    const put = await scim.put(`/Users/${resigned.id}`, { schemas: [USER], userName: resigned.userName, active: true });
    expect(put).toMatchObject({ status: 400, body: { scimType: 'mutability' } });
    expect((await t.management.getUser({ userId: resigned.id } as never)).data).toMatchObject({ status: 'Resigned' });
    // What a client sends when it keeps an inactive user in step is accepted.
    expect((await scim.put(`/Users/${resigned.id}`, { schemas: [USER], userName: resigned.userName, active: false, displayName: 'Left' })).status).toBe(200);
  });
});

describe('the per-pool deprovisioning settings', () => {
  it('makes active:false resign, and DELETE hard-delete, when the pool says so; the defaults suspend and resign', async () => {
    const pool = await t.newPool();
    const client = scimClient(t.url, await scimToken(t, pool.poolId));
    const suspended = await newUser(client);
    await client.patch(`/Users/${suspended.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect((await pool.management.getUser({ userId: suspended.id } as never)).data.status).toBe('Suspended');

    await setScimSettings(t.server.deps.db, pool.poolId, { deactivate: 'resign' });
    const resigned = await newUser(client);
    const group = await client.post('/Groups', { displayName: 'Leavers', members: [{ value: resigned.id }] });
    await client.patch(`/Users/${resigned.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect((await pool.management.getUser({ userId: resigned.id } as never)).data.status).toBe('Resigned');
    expect((await client.get(`/Groups/${group.body.id}`)).body.members).toEqual([]);

    const kept = await newUser(client);
    expect((await client.delete(`/Users/${kept.id}`)).status).toBe(204);
    expect((await pool.management.getUser({ userId: kept.id } as never)).data.status).toBe('Resigned');
    await setScimSettings(t.server.deps.db, pool.poolId, { delete: 'delete' });
    const gone = await newUser(client);
    expect((await client.delete(`/Users/${gone.id}`)).status).toBe(204);
    expect((await pool.management.getUser({ userId: gone.id } as never)).statusCode).toBe(404);
    expect((await client.get(`/Users/${gone.id}`)).status).toBe(404);
  });
});

describe('bad input', () => {
  it('answers 4xx in the SCIM error format, never 5xx, and writes nothing; the well-formed request succeeds', async () => {
    const before = await userCount();
    const cases: Array<[string, string, unknown, number, string?]> = [
      ['POST', '/Users', { schemas: [USER] }, 400, 'invalidValue'],
      ['POST', '/Users', { userName: '   ' }, 400, 'invalidValue'],
      ['POST', '/Users', { userName: 'x', emails: 'a@b.c' }, 400, 'invalidValue'],
      ['POST', '/Users', { userName: 'x', emails: [{ value: 'not-an-email', primary: true }] }, 400, 'invalidValue'],
      ['POST', '/Users', { userName: 'x', active: 'maybe' }, 400, 'invalidValue'],
      ['POST', '/Users', { userName: 'x', name: 'Ann' }, 400, 'invalidValue'],
      ['POST', '/Users', '{"userName": ', 400, 'invalidSyntax'],
      ['POST', '/Groups', { members: [] }, 400, 'invalidValue'],
      ['POST', '/Groups', { displayName: 'G', members: [{ value: '000000000000000000000000' }] }, 400, 'invalidValue'],
      ['GET', '/Users/nope', undefined, 404],
      ['GET', '/Nothing', undefined, 404],
    ];
    for (const [method, path, body, status, scimType] of cases) {
      const answer = method === 'GET' ? await scim.get(path) : await scim.post(path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(answer.body).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}) });
    }
    const user = await newUser();
    const patches: Array<[unknown, string]> = [
      [{ Operations: [{ op: 'replace', value: { active: false } }] }, 'invalidSyntax'],
      [{ schemas: [PATCH_OP], Operations: [] }, 'invalidSyntax'],
      [{ schemas: [PATCH_OP], Operations: [{ op: 'merge', path: 'displayName', value: 'x' }] }, 'invalidSyntax'],
      [{ schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }, 'noTarget'],
      [{ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }] }, 'mutability'],
      [{ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: '' }] }, 'invalidValue'],
    ];
    for (const [body, scimType] of patches) {
      const answer = await scim.patch(`/Users/${user.id}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.scimType, JSON.stringify(body)).toBe(scimType);
    }
    const text = await fetch(`${t.url}/scim/v2/Users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'userName=x' });
    expect(text.status).toBe(415);
    expect(await userCount()).toBe(before + 1);
    // Both media types are read.
    expect((await scimClient(t.url, token, 'application/json').post('/Users', { userName: `json.${uniq()}` })).status).toBe(201);
    expect((await scimClient(t.url, token, 'application/scim+json').post('/Users', { userName: `scim.${uniq()}` })).status).toBe(201);
    expect((await scim.get(`/Users/${user.id}`)).body.userName).toBe(user.userName);
  });
});

describe('discovery', () => {
  it('publishes ServiceProviderConfig, ResourceTypes and Schemas behind the token', async () => {
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true }, bulk: { supported: false } });
    const types = await scim.get('/ResourceTypes');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    expect((await scim.get('/ResourceTypes/User')).body.schemaExtensions).toEqual([{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }]);
    const schemas = await scim.get('/Schemas');
    expect(schemas.body.totalResults).toBe(3);
    expect((await scim.get(`/Schemas/${USER}`)).body.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server' });
    expect((await scim.get('/Schemas/urn:nope')).status).toBe(404);
    expect((await fetch(`${t.url}/scim/v2/ServiceProviderConfig`)).status).toBe(401);
    void poolId;
  });
});
