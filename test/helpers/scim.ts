import { createScimToken } from '../../src/services/scim/tokens.js';
import type { TestServer } from './server.js';

export interface ScimAnswer {
  status: number;
  body: any;
  etag: string | null;
  contentType: string | null;
}

/** A plain SCIM client over fetch, as an IdP's provisioning connector talks: bearer token, JSON bodies. */
export function scimClient(baseUrl: string, token: string, contentType = 'application/scim+json') {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimAnswer> => {
    const response = await fetch(`${baseUrl}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/scim+json', ...(body !== undefined ? { 'content-type': contentType } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, etag: response.headers.get('etag'), contentType: response.headers.get('content-type') };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) => call('PATCH', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
    filter: (resource: 'Users' | 'Groups', filter: string, extra = '') => call('GET', `/${resource}?filter=${encodeURIComponent(filter)}${extra}`),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** A token for the test server's default pool (or another), made by the same service the CLI uses. */
export async function scimToken(t: TestServer, poolId?: string): Promise<string> {
  const pool = poolId ?? (await t.server.deps.db.selectFrom('user_pools').select('id').where('name', '=', 'default').executeTakeFirstOrThrow()).id;
  return (await createScimToken(t.server.deps.db, pool, 'test')).token;
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
