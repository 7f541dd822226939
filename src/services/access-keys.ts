import type { Db } from '../store/database.js';
import * as keys from '../store/access-keys.js';
import * as pools from '../store/pools.js';
import { newId } from '../lib/ids.js';
import { decryptSecret, encryptSecret, randomSecret } from '../lib/secrets.js';
import { nowIso } from '../store/values.js';

export interface KeyDeps {
  db: Db;
  masterKey: Buffer;
}

export interface IssuedKey {
  keyId: string;
  secret: string;
  poolId: string;
}

export interface KeySummary {
  keyId: string;
  poolId: string;
  status: 'active' | 'disabled' | 'revoked';
  description: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export async function ensureDefaultPool(db: Db): Promise<string> {
  const existing = await pools.findPoolByName(db, pools.DEFAULT_POOL_NAME);
  return existing ? existing.id : (await pools.insertPool(db, pools.DEFAULT_POOL_NAME)).id;
}

export async function createPool(db: Db, name: string): Promise<string> {
  return (await pools.insertPool(db, name)).id;
}

export async function createKey(
  deps: KeyDeps,
  poolId: string,
  options: { keyId?: string; secret?: string; description?: string; userId?: string; keyType?: string } = {},
): Promise<IssuedKey> {
  const keyId = options.keyId ?? newId();
  const secret = options.secret ?? randomSecret(24);
  await keys.insertKey(deps.db, {
    id: newId(),
    pool_id: poolId,
    key_id: keyId,
    secret_enc: encryptSecret(deps.masterKey, secret),
    status: 'active',
    description: options.description ?? null,
    created_at: nowIso(),
    revoked_at: null,
    user_id: options.userId ?? null,
    key_type: options.keyType ?? null,
  });
  return { keyId, secret, poolId };
}

/**
 * Makes sure the bootstrap key from the environment exists in the default pool. Safe to run at
 * every start: an existing key keeps its row and takes the secret the environment now gives. A
 * revoked key stays revoked (answered 'revoked', nothing changed): restarting with it still in
 * the environment must not undo `userpool keys revoke`.
 */
export async function ensureBootstrapKey(deps: KeyDeps, key: { id: string; secret: string }): Promise<'created' | 'kept' | 'revoked'> {
  const poolId = await ensureDefaultPool(deps.db);
  const existing = await keys.findKey(deps.db, key.id);
  if (!existing) {
    await createKey(deps, poolId, { keyId: key.id, secret: key.secret, description: 'bootstrap (environment)' });
    return 'created';
  }
  if (existing.status !== 'active') return 'revoked';
  if (decryptSecret(deps.masterKey, existing.secret_enc) !== key.secret) {
    await keys.updateKeySecret(deps.db, key.id, encryptSecret(deps.masterKey, key.secret));
  }
  return 'kept';
}

/** On a first start without a bootstrap key, generates one; undefined when any key exists. */
export async function generateFirstKey(deps: KeyDeps): Promise<IssuedKey | undefined> {
  const poolId = await ensureDefaultPool(deps.db);
  if ((await keys.listKeys(deps.db)).length > 0) return undefined;
  return createKey(deps, poolId, { description: 'generated at first start' });
}

export async function listKeys(db: Db, poolId?: string): Promise<KeySummary[]> {
  return (await keys.listKeys(db, poolId)).map((row) => ({
    keyId: row.key_id,
    poolId: row.pool_id,
    status: row.status,
    description: row.description,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }));
}

export async function revokeKey(db: Db, keyId: string): Promise<boolean> {
  return keys.revokeKey(db, keyId, nowIso());
}

/**
 * Finds the pool and plaintext secret of an access key for signature checks. Answers are cached
 * briefly: a revocation reaches every process within `ttlMs`, or at once where it is announced
 * (`forget`, driven by Redis). A lookup that began before a `forget` is not cached, so a read
 * racing the revocation cannot put the key back.
 */
export function keyResolver(deps: KeyDeps, ttlMs = 5000) {
  const cache = new Map<string, { at: number; value: { poolId: string; secret: string } }>();
  let epoch = 0;
  const resolve = async (keyId: string) => {
    const hit = cache.get(keyId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const startedIn = epoch;
    const row = await keys.findKey(deps.db, keyId);
    const value = row && row.status === 'active' ? { poolId: row.pool_id, secret: decryptSecret(deps.masterKey, row.secret_enc) } : undefined;
    // Only keys that work are cached: a key created right after a failed attempt with its id must
    // work at once, and unknown ids cannot fill the cache.
    if (value && startedIn === epoch) {
      if (cache.size > 10_000) cache.clear();
      cache.set(keyId, { at: Date.now(), value });
    }
    return value;
  };
  return Object.assign(resolve, {
    forget(keyId: string) {
      epoch++;
      cache.delete(keyId);
    },
    clear() {
      epoch++;
      cache.clear();
    },
  });
}
