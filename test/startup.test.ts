import { randomBytes } from 'node:crypto';
import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { startCliServer } from './helpers/cli.js';
import { managementClient } from './helpers/server.js';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server/start.js';
import { listKeys, revokeKey } from '../src/services/access-keys.js';
import { findKey } from '../src/store/access-keys.js';
import { decryptSecret } from '../src/lib/secrets.js';

// Each test spawns CLI processes; on a busy machine a start-up alone can take many seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let database: TestDatabase;
const masterKey = randomBytes(32).toString('base64');
const keyId = `boot-${randomBytes(6).toString('hex')}`;
const secret = randomBytes(24).toString('base64url');

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: database.url,
  USERPOOL_MASTER_KEY: masterKey,
  PORT: '0',
  LOG_LEVEL: 'silent',
  ...extra,
});

async function serveOnce<T>(extra: Record<string, string>, work: (url: string, deps: Awaited<ReturnType<typeof startServer>>['deps']) => Promise<T>): Promise<{ result: T; announced: string[] }> {
  const announced: string[] = [];
  const server = await startServer(loadConfig(env(extra)), (line) => announced.push(line));
  try {
    return { result: await work(server.url.replace('localhost', '127.0.0.1'), server.deps), announced };
  } finally {
    await server.close();
  }
}

describe('the bootstrap key from the environment', () => {
  const bootstrap = { USERPOOL_ACCESS_KEY_ID: keyId, USERPOOL_ACCESS_KEY_SECRET: secret };

  it('is the same single key after several restarts on one database, and it signs requests each time', async () => {
    for (let start = 0; start < 3; start += 1) {
      const { result, announced } = await serveOnce(bootstrap, async (url, deps) => {
        const answer = await managementClient(url, keyId, secret).listUsers({} as never);
        return { statusCode: answer.statusCode, keys: (await listKeys(deps.db)).filter((k) => k.keyId === keyId).length };
      });
      expect({ start, ...result }).toEqual({ start, statusCode: 200, keys: 1 });
      expect(announced).toEqual([]);
    }
  });

  it('is stored encrypted: the row holds neither the secret nor an encoding of it', async () => {
    await serveOnce(bootstrap, async (_url, deps) => {
      const row = await findKey(deps.db, keyId);
      expect(row).toBeDefined();
      for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
        expect(JSON.stringify(row)).not.toContain(form);
      }
      // Encrypted with the master key, not merely hashed: signature checks need the secret back.
      expect(decryptSecret(Buffer.from(masterKey, 'base64'), row!.secret_enc)).toBe(secret);
    });
  });

  it('takes a new secret given for the same key id, and the old one stops working', async () => {
    const rotated = randomBytes(24).toString('base64url');
    await serveOnce({ USERPOOL_ACCESS_KEY_ID: keyId, USERPOOL_ACCESS_KEY_SECRET: rotated }, async (url) => {
      expect((await managementClient(url, keyId, rotated).listUsers({} as never)).statusCode).toBe(200);
      await expect(managementClient(url, keyId, secret).listUsers({} as never)).rejects.toMatchObject({ response: { status: 401 } });
    });
  });
});

describe('a revoked bootstrap key', () => {
  it('stops start-up naming USERPOOL_ACCESS_KEY_ID instead of bringing the key back', async () => {
    const own = await freshDatabase();
    try {
      const revokedId = `gone-${randomBytes(6).toString('hex')}`;
      const bootstrap = { DATABASE_URL: own.url, USERPOOL_ACCESS_KEY_ID: revokedId, USERPOOL_ACCESS_KEY_SECRET: secret };
      const server = await startServer(loadConfig(env(bootstrap)), () => {});
      expect(await revokeKey(server.deps.db, revokedId)).toBe(true);
      await server.close();
      await expect(startServer(loadConfig(env(bootstrap)), () => {})).rejects.toThrow(`USERPOOL_ACCESS_KEY_ID: key ${revokedId} was revoked`);
    } finally {
      await own.drop();
    }
  });
});

describe('a first start without a bootstrap key', () => {
  let empty: TestDatabase;
  beforeAll(async () => {
    empty = await freshDatabase();
  });
  afterAll(async () => {
    await empty?.drop();
  });

  it('prints a generated key once; the key works and a second start prints none', async () => {
    const serveEnv = { DATABASE_URL: empty.url, USERPOOL_MASTER_KEY: masterKey, PORT: '0', LOG_LEVEL: 'info' };
    const first = await startCliServer(serveEnv);
    let generated: { id: string; secret: string };
    try {
      const out = first.output();
      const id = /^ {2}USERPOOL_ACCESS_KEY_ID=(\S+)$/m.exec(out)?.[1];
      const printedSecret = /^ {2}USERPOOL_ACCESS_KEY_SECRET=(\S+)$/m.exec(out)?.[1];
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(printedSecret).toBeTruthy();
      generated = { id: id!, secret: printedSecret! };
      expect(out.split(printedSecret!).length - 1).toBe(1);
      expect((await managementClient(first.url, generated.id, generated.secret).listUsers({} as never)).statusCode).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const second = await startCliServer(serveEnv);
    try {
      expect(second.output()).not.toMatch(/USERPOOL_ACCESS_KEY_(ID|SECRET)=/);
      expect((await managementClient(second.url, generated.id, generated.secret).listUsers({} as never)).statusCode).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('the logs of a running server', () => {
  it('never contain an access-key secret, even at trace level and on refused requests', async () => {
    const logKeyId = `logs-${randomBytes(6).toString('hex')}`;
    const logSecret = `S3cr3t-${randomBytes(18).toString('base64url')}`;
    const server = await startCliServer(env({ LOG_LEVEL: 'trace', USERPOOL_ACCESS_KEY_ID: logKeyId, USERPOOL_ACCESS_KEY_SECRET: logSecret }));
    try {
      const client = managementClient(server.url, logKeyId, logSecret);
      expect((await client.createUser({ username: `logged_${randomBytes(3).toString('hex')}`, password: 'Pa55word!' } as never)).statusCode).toBe(200);
      expect((await client.getUser({ userId: '000000000000000000000000' })).statusCode).toBe(404);
      await expect(managementClient(server.url, logKeyId, `${logSecret}x`).listUsers({} as never)).rejects.toBeTruthy();
    } finally {
      await server.stop();
    }
    const logs = server.output();
    expect(logs).toMatch(/incoming request/);
    expect(logs).not.toContain(logSecret);
    expect(logs).not.toContain('Pa55word!');
    expect(logs).not.toMatch(/authing [^:"]+:[A-Za-z0-9+/=]{20,}/);
  });
});
