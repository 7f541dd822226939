import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { newNonce, signedFetch } from './helpers/signed.js';

// `%` and `_` in a keyword are characters to look for, not LIKE wildcards, in every list that
// takes keywords, on SQLite and PostgreSQL alike.

const t = useTestServer();
const tag = newNonce().slice(0, 6);
const NAMES = { percent: `Sale 50% ${tag}`, underscore: `snake_case ${tag}`, plain: `Plain name ${tag}` };

const call = (method: 'GET' | 'POST', path: string, params: Record<string, unknown>) => signedFetch(t.url, { method, path, params, keyId: t.keyId, secret: t.secret });

beforeAll(async () => {
  let n = 0;
  for (const name of Object.values(NAMES)) {
    n += 1;
    const code = `kw${tag}${n}`;
    for (const [path, params] of [
      ['/api/v3/create-group', { code, name, description: 'x' }],
      ['/api/v3/create-role', { code, name }],
      ['/api/v3/create-namespace', { code, name }],
      ['/api/v3/create-application', { appName: name, appIdentifier: code }],
      ['/api/v3/create-user', { username: `${code}u`, name }],
    ] as const) {
      const answer = await call('POST', path, params);
      expect({ path, statusCode: answer.body.statusCode, message: answer.body.message }).toMatchObject({ path, statusCode: 200 });
    }
  }
});

const LISTS: Array<[string, 'GET' | 'POST', string, (item: Record<string, string>) => string]> = [
  ['list-groups', 'GET', '/api/v3/list-groups', (g) => g.name],
  ['list-roles', 'GET', '/api/v3/list-roles', (r) => r.name],
  ['list-namespaces', 'GET', '/api/v3/list-namespaces', (ns) => ns.name],
  ['list-applications', 'GET', '/api/v3/list-applications', (a) => a.appName],
  ['list-users', 'POST', '/api/v3/list-users', (u) => u.name],
];

async function names(method: 'GET' | 'POST', path: string, keywords: string, nameOf: (item: Record<string, string>) => string): Promise<string[]> {
  const answer = await call(method, path, { keywords, ...(method === 'GET' ? { limit: 50 } : { options: { pagination: { limit: 50 } } }) });
  expect({ path, statusCode: answer.body.statusCode, message: answer.body.message }).toMatchObject({ path, statusCode: 200 });
  return (answer.body.data.list as Array<Record<string, string>>).map(nameOf).filter((name) => name?.endsWith(tag)).sort();
}

describe('keywords with LIKE wildcards', () => {
  for (const [name, method, path, nameOf] of LISTS) {
    it(`${name}: "%" and "_" match only names that contain them`, async () => {
      expect(await names(method, path, '%', nameOf)).toEqual([NAMES.percent]);
      expect(await names(method, path, '_', nameOf)).toEqual([NAMES.underscore]);
      expect(await names(method, path, '50%', nameOf)).toEqual([NAMES.percent]);
      expect(await names(method, path, 'e_c', nameOf)).toEqual([NAMES.underscore]);
      // A backslash is a character too, not an escape that swallows the next one.
      expect(await names(method, path, '\\%', nameOf)).toEqual([]);
    });

    it(`${name}, control: an ordinary keyword still matches part of a name, in any case`, async () => {
      expect(await names(method, path, tag, nameOf)).toEqual(Object.values(NAMES).sort());
      expect(await names(method, path, 'PLAIN', nameOf)).toEqual([NAMES.plain]);
    });
  }
});
