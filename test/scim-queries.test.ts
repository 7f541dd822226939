import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/apps.js';
import { ENTERPRISE, GROUP, PATCH_OP, USER, scimClient, scimToken, type ScimClient } from './helpers/scim.js';

// Filters run in the database: each operator on each attribute the issue lists, combined.

const t = useTestServer();
let scim: ScimClient;
const s = uniq();
const people = [
  { userName: `alice.${s}`, displayName: 'Alice Archer', externalId: `a-${s}`, email: `alice.${s}@north.example` },
  { userName: `bob.${s}`, displayName: 'Bob Baker', externalId: `b-${s}`, email: `bob.${s}@south.example` },
  { userName: `carol.${s}`, displayName: 'Carol Cook', externalId: `c-${s}`, email: `carol.${s}@north.example` },
  { userName: `dave.${s}`, displayName: 'Dave Dyer', externalId: `d-${s}`, email: undefined },
];
const ids: Record<string, string> = {};
let middle: string;

beforeAll(async () => {
  scim = scimClient(t.url, await scimToken(t));
  for (const [i, p] of people.entries()) {
    const answer = await scim.post('/Users', {
      schemas: [USER, ENTERPRISE], userName: p.userName, displayName: p.displayName, externalId: p.externalId,
      ...(p.email ? { emails: [{ value: p.email, type: 'work', primary: true }] } : {}), [ENTERPRISE]: { employeeNumber: String(i) },
    });
    expect(answer.status).toBe(201);
    ids[p.userName.split('.')[0]] = answer.body.id;
    if (i === 1) {
      await new Promise((r) => setTimeout(r, 20));
      middle = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await scim.patch(`/Users/${ids.dave}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
});

async function names(filter: string): Promise<string[]> {
  const answer = await scim.filter('Users', `(${filter}) and userName ew ".${s}"`, '&count=200');
  expect(answer.status, filter).toBe(200);
  expect(answer.body.totalResults, filter).toBe(answer.body.Resources.length);
  return answer.body.Resources.map((r: { userName: string }) => r.userName.split('.')[0]).sort();
}

describe('user filters', () => {
  it.each([
    [`userName eq "ALICE.${s}"`, ['alice']],
    [`userName ne "alice.${s}"`, ['bob', 'carol', 'dave']],
    ['userName co "aro"', ['carol']],
    ['userName sw "b"', ['bob']],
    [`userName gt "bob.${s}"`, ['carol', 'dave']],
    [`userName ge "bob.${s}"`, ['bob', 'carol', 'dave']],
    [`userName lt "bob.${s}"`, ['alice']],
    [`userName le "bob.${s}"`, ['alice', 'bob']],
    ['emails co "@north."', ['alice', 'carol']],
    [`emails.value eq "BOB.${s}@SOUTH.example"`, ['bob']],
    ['emails pr', ['alice', 'bob', 'carol']],
    ['emails[value ew "north.example"]', ['alice', 'carol']],
    [`externalId eq "c-${s}"`, ['carol']],
    ['displayName sw "dave"', ['dave']],
    ['active eq true', ['alice', 'bob', 'carol']],
    ['active eq false', ['dave']],
    ['not (active eq true)', ['dave']],
    [`userName eq "alice.${s}" or (emails co "south" and active eq true)`, ['alice', 'bob']],
    ['not (emails pr) or displayName eq "alice archer"', ['alice', 'dave']],
  ])('%s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it('compares meta.lastModified as time', async () => {
    expect(await names(`meta.lastModified gt "${middle}" and meta.lastModified le "${new Date(Date.now() + 60_000).toISOString()}"`)).toEqual(['carol', 'dave']);
    expect(await names(`meta.lastModified lt "${middle}"`)).toEqual(['alice', 'bob']);
  });
});

describe('paging and projection', () => {
  it('pages with startIndex and count, counting every match', async () => {
    const page = await scim.filter('Users', `userName ew ".${s}"`, '&startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.bob, ids.carol]);
    const counted = await scim.filter('Users', `userName ew ".${s}"`, '&count=0');
    expect(counted.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    const beyond = await scim.filter('Users', `userName ew ".${s}"`, '&startIndex=10');
    expect(beyond.body).toMatchObject({ totalResults: 4, Resources: [] });
  });

  it('answers only the attributes asked for, or all but the excluded ones', async () => {
    const only = await scim.get(`/Users/${ids.alice}?attributes=userName,emails.value,${ENTERPRISE}:employeeNumber`);
    expect(only.body).toEqual({ schemas: expect.any(Array), id: ids.alice, userName: `alice.${s}`, emails: [{ value: `alice.${s}@north.example` }], [ENTERPRISE]: { employeeNumber: '0' } });
    const without = await scim.get(`/Users/${ids.alice}?excludedAttributes=emails,meta,${ENTERPRISE}`);
    expect(without.body.emails).toBeUndefined();
    expect(without.body.meta).toBeUndefined();
    expect(without.body[ENTERPRISE]).toBeUndefined();
    expect(without.body).toMatchObject({ id: ids.alice, userName: `alice.${s}`, displayName: 'Alice Archer' });
    const listed = await scim.filter('Users', `userName eq "bob.${s}"`, '&attributes=displayName');
    expect(listed.body.Resources).toEqual([{ schemas: expect.any(Array), id: ids.bob, displayName: 'Bob Baker' }]);
  });
});

describe('group filters', () => {
  it('finds groups by displayName, externalId and member, members left out on request', async () => {
    const one = await scim.post('/Groups', { schemas: [GROUP], displayName: `North ${s}`, externalId: `n-${s}`, members: [{ value: ids.alice }, { value: ids.carol }] });
    const two = await scim.post('/Groups', { schemas: [GROUP], displayName: `South ${s}`, members: [{ value: ids.bob }] });
    const find = async (filter: string, extra = '') => (await scim.filter('Groups', filter, extra)).body.Resources.map((g: { id: string }) => g.id).sort();
    expect(await find(`displayName eq "north ${s}"`)).toEqual([one.body.id]);
    expect(await find(`displayName co "${s}"`)).toEqual([one.body.id, two.body.id].sort());
    expect(await find(`externalId eq "n-${s}"`)).toEqual([one.body.id]);
    expect(await find(`members.value eq "${ids.bob}"`)).toEqual([two.body.id]);
    expect(await find(`members[value eq "${ids.carol}"] and displayName sw "north"`)).toEqual([one.body.id]);
    expect(await find(`displayName co "${s}" and not (members eq "${ids.alice}")`)).toEqual([two.body.id]);
    const slim = await scim.get(`/Groups/${one.body.id}?excludedAttributes=members`);
    expect(slim.body.members).toBeUndefined();
    expect((await scim.get(`/Groups/${one.body.id}`)).body.members.map((m: { value: string }) => m.value).sort()).toEqual([ids.alice, ids.carol].sort());
    // PUT replaces the member list; DELETE removes the group, members stay users.
    const put = await scim.put(`/Groups/${one.body.id}`, { schemas: [GROUP], displayName: `North ${s}`, members: [{ value: ids.dave }] });
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([ids.dave]);
    expect((await scim.delete(`/Groups/${one.body.id}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${one.body.id}`)).status).toBe(404);
    expect((await scim.get(`/Users/${ids.dave}`)).status).toBe(200);
  });
});
