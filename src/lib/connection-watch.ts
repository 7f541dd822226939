/** Where a watch writes; pino's and Fastify's loggers fit. */
export interface WatchLog {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface ConnectionWatch {
  /** A command or connection failed for a reason that means the service is unreachable. */
  lost(error: unknown): void;
  /** A command succeeded or a connection opened. */
  back(): void;
  /** Starts logging to this log (until then the watch is silent). */
  use(log: WatchLog): void;
}

/**
 * Tells the log, once, that a database or Redis connection was lost, and once that it is back,
 * instead of a line per failed query or per reconnection attempt (or none at all).
 */
export function connectionWatch(service: string): ConnectionWatch {
  // Until the server has a log, failures are start-up failures: start-up reports those itself
  // (one line naming the variable), so the watch stays quiet and remembers nothing.
  let log: WatchLog | undefined;
  let lostAt: number | undefined;
  return {
    lost(error) {
      if (!log || lostAt !== undefined) return;
      lostAt = Date.now();
      const reason = error instanceof Error ? error.message : String(error);
      log.warn({ service, reason }, `${service} connection lost`);
    },
    back() {
      if (!log || lostAt === undefined) return;
      const downMs = Date.now() - lostAt;
      lostAt = undefined;
      log.info({ service, downMs }, `${service} connection back`);
    },
    use(next) {
      log = next;
    },
  };
}

/** Errors that mean the connection, not the query, failed (network, server shutting down). */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03'].includes(code)) return true;
  if (code.startsWith('08')) return true; // SQLSTATE class 08: connection exception
  return /Connection terminated|connection (?:is )?closed|Client has encountered a connection error/i.test(e?.message ?? '');
}
