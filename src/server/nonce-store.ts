import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { ConnectionWatch } from '../lib/connection-watch.js';
import { ping, type Db, type Dialect } from '../store/database.js';
import { claimNonce, pruneNonces } from '../store/nonces.js';

/** Remembers signature nonces for the replay window; `claim` is false when one was seen before. */
export interface NonceStore {
  claim(keyId: string, nonce: string, ttlMs: number): Promise<boolean>;
  /** Resolves when the store answers; rejects with the reason when it does not. */
  ping(): Promise<void>;
  /** Where the nonces live: `memory` (tests of the plugins alone), `database` or `redis`. */
  readonly kind: 'memory' | 'database' | 'redis';
  close(): Promise<void>;
}

/** How often a process removes expired nonces from the database as it claims new ones. */
const NONCE_SWEEP_MS = 60_000;

/**
 * Nonces in the shared database, for servers without Redis: they outlive a restart, and every
 * process on the same database sees them. Costs one write per signed request; expired rows are
 * removed at most once a minute by each process (and by `userpool prune`).
 */
export function databaseNonceStore(db: Db, dialect: Dialect): NonceStore {
  let nextSweep = 0;
  return {
    kind: 'database',
    async ping() {
      await ping(db);
    },
    async claim(keyId, nonce, ttlMs) {
      const now = Date.now();
      if (now >= nextSweep) {
        nextSweep = now + NONCE_SWEEP_MS;
        await pruneNonces(db, new Date(now).toISOString());
      }
      return claimNonce(db, dialect, keyId, nonce, new Date(now).toISOString(), new Date(now + ttlMs).toISOString());
    },
    async close() {},
  };
}

/** Nonces in this process only: forgotten at a restart, so only for tests of the plugins alone. */
export function memoryNonceStore(): NonceStore {
  const seen = new Map<string, number>();
  let lastSweep = Date.now();
  return {
    kind: 'memory',
    async ping() {},
    async claim(keyId, nonce, ttlMs) {
      const now = Date.now();
      // Sweep at most once a second so the map stays as large as one window of traffic.
      if (now - lastSweep > 1000) {
        for (const [k, expires] of seen) if (expires <= now) seen.delete(k);
        lastSweep = now;
      }
      const key = `${keyId}\u0000${nonce}`;
      const expires = seen.get(key);
      if (expires !== undefined && expires > now) return false;
      seen.set(key, now + ttlMs);
      return true;
    },
    async close() {
      seen.clear();
    },
  };
}

/**
 * Shared by every server process that points at the same Redis. It claims through the server's
 * one connection for commands (which the sign-in limits and announcements use too: ioredis
 * pipelines what is issued at once on a connection, and Redis answers one command at a time
 * anyway), so the server, not the store, connects and closes it.
 */
export function redisNonceStore(redis: Redis, prefix = 'userpool:nonce:'): NonceStore {
  return {
    kind: 'redis',
    async ping() {
      await redis.ping();
    },
    async claim(keyId, nonce, ttlMs) {
      const answer = await redis.set(`${prefix}${keyId}:${nonce}`, '1', 'PX', ttlMs, 'NX');
      return answer === 'OK';
    },
    async close() {},
  };
}

/**
 * The name a connection gives itself (CLIENT SETNAME), so that CLIENT LIST tells an operator which
 * connections are whose: `userpool:<role>:<host>:<pid>`.
 */
export function redisClientName(role: string, pid = process.pid): string {
  return `userpool:${role}:${hostname().replace(/[^\w.-]/g, '_')}:${pid}`;
}

/**
 * An ioredis connection whose losses and recoveries the watch logs once each. ioredis reconnects
 * by itself; a command issued while Redis is away fails with its own error (answered 500 with
 * the request id). Without an error listener each failed attempt would print a stack.
 */
export function watchedRedis(url: string, watch?: ConnectionWatch, role?: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 3000, lazyConnect: true, ...(role ? { connectionName: redisClientName(role) } : {}) });
  let connected = false;
  redis.on('error', (error: Error) => {
    if (connected) watch?.lost(error);
  });
  redis.on('close', () => {
    if (connected && redis.status !== 'end') watch?.lost(new Error('connection closed'));
  });
  redis.on('ready', () => {
    connected = true;
    watch?.back();
  });
  return redis;
}
