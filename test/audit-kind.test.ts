// The audit log records what a route declares it does, not what its name suggests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import Type from 'typebox';
import { randomBytes } from 'node:crypto';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { insertPool } from '../src/store/pools.js';
import { DEFAULT_POLICY } from '../src/services/context.js';
import { listAuditLogs } from '../src/services/audit.js';
import { registerErrorHandling } from '../src/server/error-handler.js';
import { registerManagementAuth } from '../src/server/management-auth.js';
import { registerAuditHook } from '../src/server/audit-hook.js';
import { memoryNonceStore } from '../src/server/nonce-store.js';
import { managementRoute } from '../src/server/route.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { signedFetch } from './helpers/signed.js';

let database: TestDatabase;
let handle: DatabaseHandle;
let app: FastifyInstance;
let url: string;
let poolId: string;
const keyId = randomBytes(12).toString('hex');
const secret = randomBytes(24).toString('base64url');

beforeAll(async () => {
  database = await freshDatabase();
  handle = openDatabase(database.url);
  await migrateToLatest(handle);
  poolId = (await insertPool(handle.db, `audit-kind-${randomBytes(3).toString('hex')}`)).id;
  const deps = { db: handle.db, dialect: handle.dialect, masterKey: randomBytes(32), policy: DEFAULT_POLICY };
  app = Fastify();
  registerErrorHandling(app);
  registerManagementAuth(app, { deps, resolveKey: async (id) => (id === keyId ? { poolId, secret } : undefined), nonces: memoryNonceStore(), maxSkewSeconds: 900 });
  registerAuditHook(app);
  // Names chosen against their kind: a write that sounds like a read, a read that sounds like a write.
  managementRoute(app, { method: 'POST', url: '/api/v3/get-or-create-thing', audit: 'write', summary: 'write', tags: [], body: Type.Object({}), data: Type.Boolean(), handler: async () => true });
  managementRoute(app, { method: 'POST', url: '/api/v3/create-report-preview', audit: 'read', summary: 'read', tags: [], body: Type.Object({}), data: Type.Boolean(), handler: async () => true });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await handle?.close();
  await database?.drop();
});

describe('admin audit entries follow the kind each route declares', () => {
  it('a route declared write leaves an entry even when its name starts with get-, and one declared read leaves none', async () => {
    const write = await signedFetch(url, { method: 'POST', path: '/api/v3/get-or-create-thing', params: {}, keyId, secret });
    const read = await signedFetch(url, { method: 'POST', path: '/api/v3/create-report-preview', params: {}, keyId, secret });
    expect([write.body.statusCode, read.body.statusCode]).toEqual([200, 200]);
    const scope = { db: handle.db, dialect: handle.dialect, masterKey: Buffer.alloc(32), policy: DEFAULT_POLICY, poolId, actor: keyId, requestId: 'q' };
    const { list } = await listAuditLogs(scope, {});
    expect(list.map((e) => e.action)).toEqual(['get-or-create-thing']);
    expect(list[0].requestId).toBe(write.body.requestId);
  });
});
