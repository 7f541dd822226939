import type { Db, Dialect } from '../store/database.js';

/** What services are built from; made once at start-up. */
export interface Deps {
  db: Db;
  dialect: Dialect;
  masterKey: Buffer;
}

/**
 * One request's view: the pool its access key belongs to (every query is confined to it), who
 * acts (the access key id) and the request id, for audit entries.
 */
export interface Scope extends Deps {
  poolId: string;
  actor: string;
  requestId: string;
}
