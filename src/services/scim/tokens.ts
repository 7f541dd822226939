import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../store/database.js';
import * as store from '../../store/scim.js';
import { newId } from '../../lib/ids.js';
import { nowIso } from '../../store/values.js';

/**
 * SCIM bearer tokens: one pool each, 32 random bytes shown once. Only the SHA-256 is stored:
 * the token is high-entropy, so a fast hash suffices (no password stretching needed) and a
 * lookup is one probe of a unique index, which is also why no timing comparison is involved.
 */
const PREFIX = 'scim_';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedScimToken {
  id: string;
  poolId: string;
  token: string;
}

export async function createScimToken(db: Db, poolId: string, description?: string): Promise<IssuedScimToken> {
  const id = newId();
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  await store.insertToken(db, { id, pool_id: poolId, token_hash: hashToken(token), description: description ?? null, created_at: nowIso(), revoked_at: null });
  return { id, poolId, token };
}

export async function listScimTokens(db: Db) {
  return (await store.listTokens(db)).map((row) => ({
    id: row.id,
    poolId: row.pool_id,
    poolName: row.pool_name,
    status: row.revoked_at ? ('revoked' as const) : ('active' as const),
    description: row.description,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }));
}

/** Answers the revoked token's hash (what running processes cache by), or undefined when no active token has that id. */
export async function revokeScimToken(db: Db, id: string): Promise<string | undefined> {
  return (await store.revokeToken(db, id, nowIso()))?.token_hash;
}

export interface ScimTokenOwner {
  tokenId: string;
  poolId: string;
}

/**
 * Finds the pool of a bearer token. Answers are cached for `ttlMs`, keyed by the token's hash; a
 * revocation announced through Redis (`forget(hash)`) drops the entry on every process at once,
 * and a lookup that began before a `forget` is not cached (the same rules as access keys).
 */
export function scimTokenResolver(db: Db, ttlMs = 5000) {
  const cache = new Map<string, { at: number; value: ScimTokenOwner }>();
  let epoch = 0;
  const resolve = async (token: string): Promise<ScimTokenOwner | undefined> => {
    if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
    const hash = hashToken(token);
    const hit = cache.get(hash);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const startedIn = epoch;
    const row = await store.findTokenByHash(db, hash);
    const value = row && !row.revoked_at ? { tokenId: row.id, poolId: row.pool_id } : undefined;
    if (value && startedIn === epoch && ttlMs > 0) {
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { at: Date.now(), value });
    }
    return value;
  };
  return Object.assign(resolve, {
    forget(hash: string) {
      epoch++;
      cache.delete(hash);
    },
    clear() {
      epoch++;
      cache.clear();
    },
  });
}

export type ScimTokenResolver = ReturnType<typeof scimTokenResolver>;
