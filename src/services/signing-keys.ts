import { exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
import * as store from '../store/signing-keys.js';
import { decryptSecret, encryptSecret } from '../lib/secrets.js';
import { nowIso, parseJson, toJson } from '../store/values.js';
import type { Deps } from './context.js';

export const SIGNING_ALG = 'RS256';
const DAY = 86_400_000;

/** A new key signs after SIGNING_KEY_ROTATE_DAYS; the old one stays published until its tokens expired. */
function rotateAfterMs(deps: Deps): number {
  return deps.policy.signingKeyRotateDays * DAY;
}
/** Longest a token may live (the refresh-token ceiling of applications), so older keys can go. */
const RETIRE_AFTER_MS = 400 * DAY;
/** How long a process trusts its list of keys before asking the database again. */
const CACHE_MS = 60_000;

interface LoadedKey {
  kid: string;
  createdAt: number;
  publicJwk: JWK;
  verify: CryptoKey;
  sign?: CryptoKey;
}

interface KeyCache {
  at: number;
  keys: LoadedKey[];
  loading?: Promise<LoadedKey[]>;
}

// Keyed by database handle (several servers in one process, in tests, each keep their own),
// then by user pool: each pool has keys of its own.
const caches = new WeakMap<Db, Map<string, KeyCache>>();

function cacheOf(deps: Deps, poolId: string): KeyCache {
  let pools = caches.get(deps.db);
  if (!pools) caches.set(deps.db, (pools = new Map()));
  let cache = pools.get(poolId);
  if (!cache) pools.set(poolId, (cache = { at: 0, keys: [] }));
  return cache;
}

async function load(deps: Deps, poolId: string): Promise<LoadedKey[]> {
  const rows = await store.listSigningKeys(deps.db, poolId);
  return Promise.all(
    rows.map(async (row) => {
      const publicJwk = parseJson<JWK>(row.public_jwk, {});
      return {
        kid: row.kid,
        createdAt: Date.parse(row.created_at),
        publicJwk,
        verify: (await importJWK(publicJwk, row.alg)) as CryptoKey,
      };
    }),
  );
}

async function keys(deps: Deps, poolId: string, force = false): Promise<LoadedKey[]> {
  const entry = cacheOf(deps, poolId);
  if (!force && Date.now() - entry.at < CACHE_MS) return entry.keys;
  entry.loading ??= load(deps, poolId).finally(() => (entry.loading = undefined));
  const loaded = await entry.loading;
  // Keep the private keys already decrypted for kids that are still there.
  const old = new Map(entry.keys.map((k) => [k.kid, k]));
  entry.keys = loaded.map((k) => ({ ...k, sign: old.get(k.kid)?.sign }));
  entry.at = Date.now();
  return entry.keys;
}

async function createKey(deps: Deps, poolId: string): Promise<void> {
  const pair = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const kid = randomBytes(12).toString('hex');
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const now = nowIso();
  await store.insertSigningKey(deps.db, {
    kid,
    pool_id: poolId,
    alg: SIGNING_ALG,
    public_jwk: toJson(publicJwk),
    private_enc: encryptSecret(deps.masterKey, await exportPKCS8(pair.privateKey)),
    created_at: now,
  });
  await store.deleteSigningKeysBefore(deps.db, poolId, new Date(Date.now() - RETIRE_AFTER_MS).toISOString(), kid);
}

/**
 * A pool's newest key, made on first use and replaced once older than SIGNING_KEY_ROTATE_DAYS. Two
 * processes rotating at the same moment each add a key; both are published, so either works.
 */
export async function currentSigningKey(deps: Deps, poolId: string): Promise<{ kid: string; key: CryptoKey }> {
  let list = await keys(deps, poolId);
  if (list.length === 0 || Date.now() - list[0].createdAt > rotateAfterMs(deps)) {
    list = await keys(deps, poolId, true);
    if (list.length === 0 || Date.now() - list[0].createdAt > rotateAfterMs(deps)) {
      await createKey(deps, poolId);
      list = await keys(deps, poolId, true);
    }
  }
  const newest = list[0];
  if (!newest.sign) {
    const row = (await store.listSigningKeys(deps.db, poolId)).find((r) => r.kid === newest.kid)!;
    newest.sign = (await importPKCS8(decryptSecret(deps.masterKey, row.private_enc), SIGNING_ALG)) as CryptoKey;
  }
  return { kid: newest.kid, key: newest.sign };
}

/**
 * The public key for a token's kid among one pool's keys: another pool's key never verifies it.
 * A kid this process has not seen yet reloads the pool's list once.
 */
export async function verificationKey(deps: Deps, poolId: string, kid: string | undefined): Promise<CryptoKey | undefined> {
  if (!kid) return undefined;
  const found = (await keys(deps, poolId)).find((k) => k.kid === kid);
  if (found) return found.verify;
  // At most one reload a second per pool, so tokens with made-up kids cannot hammer the database.
  if (Date.now() - cacheOf(deps, poolId).at < 1000) return undefined;
  return (await keys(deps, poolId, true)).find((k) => k.kid === kid)?.verify;
}

/** A pool's JWKS document: its keys still in use, the newest first. */
export async function publicJwks(deps: Deps, poolId: string): Promise<{ keys: JWK[] }> {
  await currentSigningKey(deps, poolId);
  return { keys: (await keys(deps, poolId)).map((k) => k.publicJwk) };
}
