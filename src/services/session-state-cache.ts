import type { ClaimsUser, ClientRow } from '../store/tokens.js';

/**
 * What a token check found when it accepted a session: the user's claims (when asked for) and
 * the application as a client. Refusals are never kept.
 */
export interface AcceptedSession {
  user?: ClaimsUser;
  client?: ClientRow;
}

interface Entry extends AcceptedSession {
  generation: number;
  /** When the entry stops being served: its TTL, or sooner when the answer changes with time alone. */
  expiresAt: number;
}

export interface SessionStateCacheOptions {
  /** Oldest an entry may be (TOKEN_CHECK_CACHE_SECONDS): bounds only a process that died between a commit and its announcement. */
  ttlMs: number;
  capacity?: number;
  /**
   * Whether this process hears every invalidation now (its Redis subscription is up). While it
   * does not, nothing is served from the cache; always true where nothing needs hearing.
   */
  listening?: () => boolean;
  /**
   * Another process's commits that this process learns of by looking (SQLite's data_version):
   * called at each lookup, answers a token that changes when they happen, or undefined when it
   * cannot tell now (nothing is served from the cache then).
   */
  externalVersion?: () => number | undefined;
}

/**
 * The answers of token checks that accepted a session, so that a check of a session seen a
 * moment ago costs no database read. The guarantee is that of reading the database each time:
 * once a write that ends a session, changes a user's status or withdraws access has been
 * answered, every process that shares the database (and, on PostgreSQL, the Redis) refuses the
 * session's tokens. It holds because
 * - every committed write that may change a check bumps the generation of this process's cache
 *   before its caller goes on (the database handle's afterCommit, commit-watch.ts), and with
 *   Redis every other process's too, whose acknowledgements the writer waits for
 *   (token-check-invalidations.ts);
 * - SQLite processes on the same file see each other's commits through data_version, read at
 *   each lookup;
 * - an entry carries the generation read before its database read began, so a read that raced
 *   with a write is never served afterwards, and only entries of the current generation are;
 * - a process that cannot hear invalidations (Redis subscription down or not yet subscribed)
 *   serves nothing from the cache, and starts a new generation when it hears again.
 * - an answer that time alone changes (a role assignment that starts or ends) is kept only until
 *   then (accessDecision's `until`), and none past the token's expiry (checked before the cache).
 * The TTL only bounds what a process may serve if the writer died between its commit and its
 * announcement. Invalidation is coarse (any such write empties the cache): writes are rare next
 * to token checks, and precision would need every write to know which sessions it touches.
 */
export class SessionStateCache {
  private entries = new Map<string, Entry>();
  private generation = 0;
  private lastExternal: number | undefined;
  /** Checks answered from the cache (exported as a metric, and read by tests). */
  hits = 0;

  constructor(private readonly options: SessionStateCacheOptions) {}

  /** Every entry stops counting; reads under way when this runs will not be kept either. */
  invalidate(): void {
    this.generation++;
    this.entries = new Map();
  }

  /**
   * The entry for `key` if it may be served, else the generation to stamp a database read with
   * (taken now, before the read), or undefined when nothing read now may be kept.
   */
  lookup(key: string): { hit: AcceptedSession } | { stamp: number | undefined } {
    if (this.options.listening && !this.options.listening()) return { stamp: undefined };
    if (this.options.externalVersion) {
      const version = this.options.externalVersion();
      if (version === undefined) return { stamp: undefined };
      if (version !== this.lastExternal) {
        this.lastExternal = version;
        this.invalidate();
      }
    }
    const entry = this.entries.get(key);
    if (entry && entry.generation === this.generation && Date.now() < entry.expiresAt) {
      this.hits++;
      return { hit: entry };
    }
    if (entry) this.entries.delete(key);
    return { stamp: this.generation };
  }

  /**
   * Keeps an accepted check read under `stamp`, unless the generation moved on meanwhile, for the
   * TTL or until `until` (epoch ms) when the answer changes by then without any write.
   */
  remember(key: string, stamp: number | undefined, accepted: AcceptedSession, until?: number): void {
    if (stamp === undefined || stamp !== this.generation) return;
    const expiresAt = Math.min(Date.now() + this.options.ttlMs, until ?? Infinity);
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= (this.options.capacity ?? 20_000)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { ...accepted, generation: stamp, expiresAt });
  }
}
