import type { FastifyRequest } from 'fastify';
import { ApiCode, AppError } from '../errors.js';
import type { Deps } from '../services/context.js';
import { defaultPoolId, poolExists, poolIssuer, poolPrefix } from '../services/pool-issuers.js';

/** Where another pool's end-user endpoints live: its OIDC provider, hosted sign-in, sign-in, sign-up and own endpoints. */
export const POOL_PREFIX = '/pools/:poolId';

/** The user pool an address serves, with its issuer and its path prefix. */
export interface PoolAddress {
  poolId: string;
  /** The `iss` of the pool's tokens, as this request reached the server. */
  issuer: string;
  /** '' for the default pool, `/pools/<id>` for another. */
  prefix: string;
}

/** `https://host/oidc` (the default pool's issuer), or OIDC_ISSUER when a proxy in front changes the public address. */
export function rootIssuer(request: FastifyRequest, deps: Deps): string {
  return deps.policy.oidcIssuer ?? `${request.protocol}://${request.host}/oidc`;
}

/** The issuer of any pool, as this request reached the server. */
export async function issuerOfPool(request: FastifyRequest, deps: Deps, poolId: string): Promise<string> {
  return poolIssuer(rootIssuer(request, deps), poolId, await defaultPoolId(deps.db));
}

/**
 * The pool a request's address names: `/pools/<poolId>/…` that pool, the root the default
 * pool. An address serves its own pool only, so a client or token of another pool is refused there.
 */
export async function poolAddress(request: FastifyRequest, deps: Deps): Promise<PoolAddress> {
  const named = (request.params as { poolId?: string } | undefined)?.poolId;
  const fallback = await defaultPoolId(deps.db);
  if (named !== undefined && !(await poolExists(deps.db, named))) {
    throw new AppError(404, ApiCode.POOL_NOT_FOUND, `poolId: no user pool "${named.slice(0, 64)}"`, 404);
  }
  const poolId = named ?? fallback;
  return { poolId, issuer: poolIssuer(rootIssuer(request, deps), poolId, fallback), prefix: poolPrefix(poolId, fallback) };
}
