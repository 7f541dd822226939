import { dirname, resolve } from 'node:path';
import { isMemoryDatabase, sqliteFile } from './store/database-url.js';
import { DEFAULT_POLICY, type Policy } from './services/context.js';
import { DEFAULT_DELIVERY, type DeliverySettings } from './delivery/worker.js';
import { DEFAULT_THROTTLE, type ThrottleSettings } from './server/signin-throttle.js';
import { DEFAULT_SIGNUP_THROTTLE, type SignupThrottleSettings } from './server/signup-throttle.js';

/** Thrown for a bad environment value; the CLI prints `message` as one line and exits. */
export class ConfigError extends Error {}

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl?: string;
  bootstrapKey?: { id: string; secret: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * What encrypts secrets at rest (32 bytes): USERPOOL_MASTER_KEY, or on SQLite without it the
   * key file start-up reads, or makes on first start (`readMasterKey`). Reading the configuration
   * never writes a file.
   */
  masterKey: MasterKeySource;
  /** How long a resolved access key is cached; a revocation reaches every process within it. */
  accessKeyCacheSeconds: number;
  /** Largest accepted difference between a signed request's `date` header and our clock. */
  signatureMaxSkewSeconds: number;
  /** PostgreSQL connections per process. */
  databasePoolSize: number;
  /** How often a server prunes expired tokens, sessions and old login history; 0 never. */
  pruneIntervalSeconds: number;
  /** How often each process looks for due scheduled resignations (SCHEDULE_POLL_MS); 0 runs no scheduler here. */
  schedulePollMs: number;
  /** How long a stopping server waits for requests and background work in flight. */
  shutdownTimeoutSeconds: number;
  /** Prometheus metrics at /metrics: off, or on (behind a bearer token when one is set). */
  metrics: { enabled: boolean; token?: string };
  /** The delivery worker: webhooks and other outgoing HTTP deliveries. */
  delivery: DeliverySettings;
  /** Password attempts let through per client address and per account in each window. */
  throttle: ThrottleSettings;
  /** Self-registrations (`signup`) let through per client address in each window. */
  signupThrottle: SignupThrottleSettings;
  /**
   * Accepted token checks kept in each process (TOKEN_CHECK_CACHE, on by default): on SQLite, and
   * on PostgreSQL with REDIS_URL. `seconds` bounds an entry's age; `ackTimeoutMs` is how long a
   * write waits for every other process to acknowledge its invalidation.
   */
  tokenCheckCache: { enabled: boolean; seconds: number; ackTimeoutMs: number };
  policy: Policy;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_DATABASE_URL = 'sqlite:./data/userpool.db';

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw.toLowerCase())) throw new ConfigError(`${name} must be one of ${choices.join(', ')} (got "${raw}")`);
  return raw.toLowerCase() as T;
}

function validUrl(text: string, shape: RegExp): boolean {
  if (!shape.test(text)) return false;
  try {
    return Boolean(new URL(text).hostname);
  } catch {
    return false;
  }
}

function databaseUrl(env: Env): string {
  const url = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (url.startsWith('sqlite:')) {
    if (url.length === 'sqlite:'.length) throw new ConfigError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/userpool.db');
    return url;
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid PostgreSQL URL (got "${url.replace(/:[^:@/]*@/, ':***@')}")`);
    }
    return url;
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres:// (got an unsupported scheme)');
}

export type MasterKeySource = { key: Buffer } | { file: string };

export function decodeMasterKey(raw: string, source: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new ConfigError(`${source} must be 32 bytes, as 64 hex characters or base64`);
  return key;
}

/**
 * The master key comes from USERPOOL_MASTER_KEY. Without it an embedded (SQLite) deployment keeps
 * one in a file beside its database, made at its first start, so that `npm start` works on a fresh
 * machine. PostgreSQL is shared by several processes, and a key file each of them made for itself
 * would leave every node unable to read the secrets the others wrote: there the variable is required.
 */
function masterKey(env: Env, dbUrl: string): MasterKeySource {
  if (env.USERPOOL_MASTER_KEY) return { key: decodeMasterKey(env.USERPOOL_MASTER_KEY, 'USERPOOL_MASTER_KEY') };
  if (!dbUrl.startsWith('sqlite:')) {
    throw new ConfigError(
      'USERPOOL_MASTER_KEY must be set when DATABASE_URL is PostgreSQL, the same on every node (32 bytes as 64 hex characters or base64, e.g. `openssl rand -base64 32`); ' +
        'a server that ran without it kept its key in data/master.key: give that file\'s content',
    );
  }
  const dir = isMemoryDatabase(dbUrl) ? resolve('data') : dirname(resolve(sqliteFile(dbUrl)!));
  return { file: env.USERPOOL_MASTER_KEY_FILE || resolve(dir, 'master.key') };
}

function oidcIssuer(env: Env): string | undefined {
  const issuer = env.OIDC_ISSUER || undefined;
  if (issuer && (!validUrl(issuer, /^https?:\/\/[^/]/) || issuer.endsWith('/') || /[?#]/.test(issuer))) {
    throw new ConfigError(`OIDC_ISSUER must be an http(s) URL without a trailing slash, query or fragment, e.g. https://id.example.com/oidc (got "${issuer}")`);
  }
  return issuer;
}

function publicUrl(env: Env): string | undefined {
  const url = env.PUBLIC_URL || undefined;
  if (url && (!validUrl(url, /^https?:\/\/[^/]/) || url.endsWith('/') || /[?#]/.test(url) || new URL(url).pathname !== '/')) {
    throw new ConfigError(`PUBLIC_URL must be an http(s) origin without a path, trailing slash, query or fragment, e.g. https://id.example.com (got "${url}")`);
  }
  return url;
}

function metrics(env: Env): Config['metrics'] {
  const mode = env.METRICS || 'off';
  if (mode !== 'off' && mode !== 'on') throw new ConfigError(`METRICS must be off or on (got "${mode}")`);
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && token.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
  if (token !== undefined && mode === 'off') throw new ConfigError('METRICS_TOKEN is set but METRICS is off; set METRICS=on to serve /metrics');
  return { enabled: mode === 'on', token };
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info');

  const id = env.USERPOOL_ACCESS_KEY_ID;
  const secret = env.USERPOOL_ACCESS_KEY_SECRET;
  if (Boolean(id) !== Boolean(secret)) {
    throw new ConfigError(`${id ? 'USERPOOL_ACCESS_KEY_SECRET' : 'USERPOOL_ACCESS_KEY_ID'} must be set too: the bootstrap key needs both`);
  }
  if (id && !/^[A-Za-z0-9_-]{8,64}$/.test(id)) throw new ConfigError('USERPOOL_ACCESS_KEY_ID must be 8 to 64 letters, digits, "-" or "_"');
  if (secret && secret.length < 16) throw new ConfigError('USERPOOL_ACCESS_KEY_SECRET must be at least 16 characters');

  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !validUrl(redisUrl, /^rediss?:\/\/[^/]/)) {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379');
  }

  const deliveryTimeoutMs = integer(env, 'DELIVERY_TIMEOUT_MS', DEFAULT_DELIVERY.timeoutMs, 100, 300_000);
  const refusePrivate = boolean(env, 'DELIVERY_REFUSE_PRIVATE_TARGETS', DEFAULT_DELIVERY.refusePrivate);
  const host = env.HOST || '127.0.0.1';
  const dbUrl = databaseUrl(env);
  return {
    host,
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: dbUrl,
    redisUrl,
    bootstrapKey: id && secret ? { id, secret } : undefined,
    logLevel,
    masterKey: masterKey(env, dbUrl),
    signatureMaxSkewSeconds: integer(env, 'SIGNATURE_MAX_SKEW_SECONDS', 900, 1, 86400),
    accessKeyCacheSeconds: integer(env, 'ACCESS_KEY_CACHE_SECONDS', 5, 0, 3600),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    pruneIntervalSeconds: integer(env, 'PRUNE_INTERVAL_SECONDS', 3600, 0, 604_800),
    schedulePollMs: integer(env, 'SCHEDULE_POLL_MS', 1000, 0, 3_600_000),
    shutdownTimeoutSeconds: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 1, 3600),
    metrics: metrics(env),
    throttle: {
      perAddress: integer(env, 'SIGNIN_RATE_PER_ADDRESS', DEFAULT_THROTTLE.perAddress, 0, 1_000_000),
      perAccount: integer(env, 'SIGNIN_RATE_PER_ACCOUNT', DEFAULT_THROTTLE.perAccount, 0, 1_000_000),
      windowSeconds: integer(env, 'SIGNIN_RATE_WINDOW_SECONDS', DEFAULT_THROTTLE.windowSeconds, 1, 86_400),
    },
    signupThrottle: {
      perAddress: integer(env, 'SIGNUP_RATE_PER_ADDRESS', DEFAULT_SIGNUP_THROTTLE.perAddress, 0, 1_000_000),
      windowSeconds: integer(env, 'SIGNUP_RATE_WINDOW_SECONDS', DEFAULT_SIGNUP_THROTTLE.windowSeconds, 1, 86_400),
    },
    tokenCheckCache: {
      enabled: boolean(env, 'TOKEN_CHECK_CACHE', true),
      seconds: integer(env, 'TOKEN_CHECK_CACHE_SECONDS', 30, 1, 3600),
      ackTimeoutMs: integer(env, 'TOKEN_CHECK_ACK_TIMEOUT_MS', 2000, 100, 60_000),
    },
    delivery: {
      timeoutMs: deliveryTimeoutMs,
      pollMs: integer(env, 'DELIVERY_POLL_MS', DEFAULT_DELIVERY.pollMs, 0, 60_000),
      concurrency: integer(env, 'DELIVERY_CONCURRENCY', DEFAULT_DELIVERY.concurrency, 1, 1000),
      refusePrivate: refusePrivate,
      maxResponseBytes: DEFAULT_DELIVERY.maxResponseBytes,
      thread: boolean(env, 'DELIVERY_THREAD', DEFAULT_DELIVERY.thread),
    },
    policy: {
      deliveryRetentionDays: integer(env, 'DELIVERY_RETENTION_DAYS', DEFAULT_POLICY.deliveryRetentionDays, 0, 36_500),
      refusePrivateTargets: refusePrivate,
      deliveryTimeoutMs,
      signinMaxFailures: integer(env, 'SIGNIN_MAX_FAILURES', DEFAULT_POLICY.signinMaxFailures, 1, 1000),
      signinMaxAccountFailures: integer(env, 'SIGNIN_MAX_ACCOUNT_FAILURES', DEFAULT_POLICY.signinMaxAccountFailures, 1, 100_000),
      signinLockSeconds: integer(env, 'SIGNIN_LOCK_SECONDS', DEFAULT_POLICY.signinLockSeconds, 1, 31_536_000),
      // Keys are kept published for 400 days (the longest refresh-token lifetime), so rotation must come sooner.
      signingKeyRotateDays: integer(env, 'SIGNING_KEY_ROTATE_DAYS', DEFAULT_POLICY.signingKeyRotateDays, 1, 365),
      oidcIssuer: oidcIssuer(env),
      publicUrl: publicUrl(env),
      loginHistoryDays: integer(env, 'LOGIN_HISTORY_DAYS', DEFAULT_POLICY.loginHistoryDays, 0, 36_500),
      hostedSessionSeconds: integer(env, 'HOSTED_SESSION_SECONDS', DEFAULT_POLICY.hostedSessionSeconds, 60, 31_536_000),
    },
  };
}
