import type { Db, Dialect } from '../store/database.js';
import type { SessionStateCache } from './session-state-cache.js';

/** Rules an operator sets in the environment (validated at start-up, see config.ts). */
export interface Policy {
  /** Wrong passwords from one client address before that address is locked out of the account. */
  signinMaxFailures: number;
  /** Wrong passwords from every address together before the account locks for everyone. */
  signinMaxAccountFailures: number;
  /** How long such a lock lasts. */
  signinLockSeconds: number;
  /** Age at which a new token-signing key takes over. */
  signingKeyRotateDays: number;
  /** The `iss` of issued tokens when a proxy changes the public address; else from the request. */
  oidcIssuer?: string;
  /** Where browsers reach this server (PUBLIC_URL): the console's redirect URIs are registered there. */
  publicUrl?: string;
  /** Days of login history kept; 0 keeps it forever. */
  loginHistoryDays: number;
  /** Days delivered events and their delivery logs are kept; 0 keeps them forever. */
  deliveryRetentionDays: number;
  /** Webhook targets on private, loopback and link-local networks are refused. */
  refusePrivateTargets: boolean;
  /** How long one delivery attempt may take (also trigger-webhook's test call). */
  deliveryTimeoutMs: number;
  /** How long the hosted sign-in page's session (single sign-on) lasts after the password was typed. */
  hostedSessionSeconds: number;
}

export const DEFAULT_POLICY: Policy = {
  signinMaxFailures: 5, signinMaxAccountFailures: 50, signinLockSeconds: 900, signingKeyRotateDays: 90, loginHistoryDays: 180, deliveryRetentionDays: 7, refusePrivateTargets: false,
  deliveryTimeoutMs: 10_000, hostedSessionSeconds: 7 * 86_400,
};

/** Sign-in outcomes as operators count them (metrics), one per password sign-in attempt. */
export type SignInOutcome = 'success' | 'wrong_credentials' | 'locked' | 'not_activated' | 'resigned' | 'access_denied';

/**
 * What the domain tells operators about (counted as metrics by the server); services call it
 * after their transaction committed, so a rolled-back act is never counted.
 */
export interface Observer {
  signIn(outcome: SignInOutcome): void;
  /** An account locked by too many wrong passwords. */
  lockOut(): void;
  /** Accounts that became Resigned. */
  resigned(count: number): void;
}

/** What services are built from; made once at start-up. */
export interface Deps {
  db: Db;
  dialect: Dialect;
  masterKey: Buffer;
  policy: Policy;
  /**
   * Called after a key stops working (disabled, revoked, deleted over the API): drops it from
   * this process's key cache and, with Redis, announces it to every other process. Absent in
   * tools that run without a server (CLI, benchmarks).
   */
  keyStopped?: (keyId: string) => Promise<void>;
  /** Absent where nobody counts (the CLI, benchmarks). */
  observer?: Observer;
  /**
   * Accepted token checks of this process (TOKEN_CHECK_CACHE); absent where it is off, where no
   * server runs (CLI, benchmarks) and on PostgreSQL without Redis, where invalidations could not
   * reach it: every check then reads the database.
   */
  sessionStates?: SessionStateCache;
}

/**
 * One request's view: the pool its access key belongs to (every query is confined to it), who
 * acts (the access key id) and the request id, for audit entries.
 */
export interface Scope extends Deps {
  poolId: string;
  actor: string;
  requestId: string;
  /** What kind of caller `actor` names; absent means an access key (or the caller's own id for end users). */
  actorType?: ActorType;
  /** A person's name for the audit log, when a person acts (an administrator in the console). */
  actorName?: string;
}

export type ActorType = 'access_key' | 'admin' | 'user' | 'scim_token' | 'system';
