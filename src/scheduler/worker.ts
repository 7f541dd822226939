import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../services/context.js';
import { performDueResignations } from '../services/scheduled-resignations.js';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ResignationScheduler {
  /** Look for due resignations now instead of at the next poll. */
  wake(): Promise<void>;
  /** Stops polling and waits for a pass under way, so the database is not closed beneath it. */
  stop(): Promise<void>;
}

/**
 * Runs in every server process: every `pollMs` it performs the scheduled resignations that are
 * due. Processes need not coordinate: each schedule is claimed in the transaction that performs
 * it, so it happens once whichever process gets there first. A failed pass is logged and tried
 * again at the next poll.
 */
export function startResignationScheduler(deps: Deps, pollMs: number, log: Log): ResignationScheduler {
  const by = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let current: Promise<void> | undefined;
  let stopped = false;
  const pass = (): Promise<void> => {
    current ??= performDueResignations(deps, by)
      .then((count) => {
        if (count > 0) log.info({ performed: count, by }, 'performed scheduled resignations');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'scheduled resignations failed; trying again at the next poll'))
      .finally(() => (current = undefined));
    return current;
  };
  const timer = setInterval(() => {
    if (!stopped) void pass();
  }, pollMs).unref();
  return {
    wake: () => pass(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
