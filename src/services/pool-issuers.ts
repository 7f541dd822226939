import type { Db } from '../store/database.js';
import * as pools from '../store/pools.js';

/**
 * Every user pool is its own OpenID Provider: its own issuer, its own signing keys, its own
 * discovery and JWKS. The default pool's issuer is the server's root (`<origin>/oidc`, or
 * OIDC_ISSUER), as it always was; another pool's is `<origin>/pools/<poolId>/oidc`.
 */
export function poolIssuer(rootIssuer: string, poolId: string, defaultPoolId: string): string {
  if (poolId === defaultPoolId) return rootIssuer;
  return `${rootIssuer.replace(/\/oidc$/, '')}/pools/${poolId}/oidc`;
}

/** The address path of a pool's endpoints: '' for the default pool, `/pools/<id>` for the others. */
export function poolPrefix(poolId: string, defaultPoolId: string): string {
  return poolId === defaultPoolId ? '' : `/pools/${poolId}`;
}

// The default pool never changes once made; other pools are remembered for a minute once seen.
const defaults = new WeakMap<Db, string>();
const known = new WeakMap<Db, Map<string, number>>();
const KNOWN_MS = 60_000;

/** The default pool's id (the pool named `default`, made at the first start). */
export async function defaultPoolId(db: Db): Promise<string> {
  const cached = defaults.get(db);
  if (cached) return cached;
  const row = await pools.findPoolByName(db, pools.DEFAULT_POOL_NAME);
  if (!row) throw new Error('the default user pool does not exist yet');
  defaults.set(db, row.id);
  return row.id;
}

/** Whether a user pool with this id exists. */
export async function poolExists(db: Db, poolId: string): Promise<boolean> {
  if (!/^[0-9a-f]{24}$/.test(poolId)) return false;
  let seen = known.get(db);
  if (!seen) known.set(db, (seen = new Map()));
  const at = seen.get(poolId);
  if (at !== undefined && Date.now() - at < KNOWN_MS) return true;
  const exists = (await pools.findPoolById(db, poolId)) !== undefined;
  if (exists) {
    if (seen.size > 10_000) seen.clear();
    seen.set(poolId, Date.now());
  }
  return exists;
}
