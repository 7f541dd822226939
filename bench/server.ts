import { randomBytes } from 'node:crypto';
import { startServerProcess } from '../test/helpers/process.js';
import { ensureBuilt } from '../scripts/build.mjs';

export interface BenchServer {
  url: string;
  keyId: string;
  secret: string;
  env: Record<string, string>;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs the server in its own process, as in production, so the load generator does not share
 * its event loop.
 */
export async function startBenchServer(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  ensureBuilt(); // the process runs dist/, as production does
  const env = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    // One address signing in a few accounts over and over: the sign-in throttle would stop it.
    SIGNIN_RATE_PER_ADDRESS: '0',
    SIGNIN_RATE_PER_ACCOUNT: '0',
    USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'),
    USERPOOL_ACCESS_KEY_ID: randomBytes(12).toString('hex'),
    USERPOOL_ACCESS_KEY_SECRET: randomBytes(24).toString('base64url'),
    ...extraEnv,
  };
  const server = await startServerProcess(env);
  return { url: server.url, pid: server.pid, keyId: env.USERPOOL_ACCESS_KEY_ID, secret: env.USERPOOL_ACCESS_KEY_SECRET, env, stop: server.stop };
}
