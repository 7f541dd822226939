import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { ensureBootstrapKey, generateFirstKey, keyResolver } from '../services/access-keys.js';
import { memoryNonceStore, redisNonceStore, type NonceStore } from './nonce-store.js';
import { buildApp } from './app.js';
import type { Deps } from '../services/context.js';

export interface RunningServer {
  deps: Deps;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Opens the database, migrates, makes sure a management key exists, then listens. */
export async function startServer(config: Config, announce: (line: string) => void = console.log): Promise<RunningServer> {
  const handle: DatabaseHandle = openDatabase(config.databaseUrl);
  let nonces: NonceStore | undefined;
  try {
    await migrateToLatest(handle);
    const deps = { db: handle.db, dialect: handle.dialect, masterKey: config.masterKey };
    if (config.bootstrapKey) {
      await ensureBootstrapKey(deps, config.bootstrapKey);
    } else {
      const first = await generateFirstKey(deps);
      if (first) {
        announce(`Generated the first management key of the default user pool (shown once, keep it safe):`);
        announce(`  USERPOOL_ACCESS_KEY_ID=${first.keyId}`);
        announce(`  USERPOOL_ACCESS_KEY_SECRET=${first.secret}`);
      }
    }
    nonces = config.redisUrl ? redisNonceStore(config.redisUrl) : memoryNonceStore();
    const app = await buildApp({
      deps,
      resolveKey: keyResolver(deps),
      nonces,
      maxSkewSeconds: config.signatureMaxSkewSeconds,
      logLevel: config.logLevel,
    });
    const url = await app.listen({ host: config.host, port: config.port });
    const store = nonces;
    return {
      deps,
      app,
      url,
      async close() {
        await app.close();
        await store.close();
        await handle.close();
      },
    };
  } catch (error) {
    await nonces?.close();
    await handle.close();
    throw error;
  }
}
