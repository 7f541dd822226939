import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { Deps } from '../services/context.js';

// The server, the store and the services are imported when a command runs, after the
// configuration was read: a bad setting is reported at once, without loading the whole API.
const store = () => Promise.all([import('../store/database.js'), import('../store/migrate.js')]);

/** A bad setting ends the process with one line naming it, and exit code 2. */
function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`userpool: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    return exitOnConfigError(error);
  }
}

/** Runs `work` against a migrated database, then closes it. */
async function withDatabase<T>(work: (deps: Deps) => Promise<T>): Promise<T> {
  const cfg = config();
  const [{ openDatabase }, { migrateToLatest }] = await store();
  const handle = openDatabase(cfg.databaseUrl);
  try {
    await migrateToLatest(handle);
    return await work({ db: handle.db, dialect: handle.dialect, masterKey: cfg.masterKey, policy: cfg.policy });
  } finally {
    await handle.close();
  }
}

const program = new Command('userpool').description('GenAuth-compatible identity directory and lifecycle server');

program
  .command('serve')
  .description('migrate the database, then serve the API on HOST:PORT')
  .action(async () => {
    const cfg = config();
    const { startServer } = await import('../server/start.js');
    const server = await startServer(cfg).catch(exitOnConfigError);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    const cfg = config();
    const [{ openDatabase }, { migrateToLatest }] = await store();
    const handle = openDatabase(cfg.databaseUrl);
    try {
      const ran = await migrateToLatest(handle);
      console.log(ran.length ? `applied: ${ran.join(', ')}` : 'schema is up to date');
    } finally {
      await handle.close();
    }
  });

program
  .command('prune')
  .description('remove expired refresh tokens, dead sessions and login history past LOGIN_HISTORY_DAYS now (servers also do it every PRUNE_INTERVAL_SECONDS)')
  .action(async () => {
    const { pruneExpired } = await import('../services/retention.js');
    await withDatabase(async (deps) => {
      const pruned = await pruneExpired(deps);
      console.log(Object.entries(pruned).map(([what, count]) => `${what} ${count}`).join(', '));
    });
  });

const keyCommand = program.command('keys').description('management access keys');

keyCommand
  .command('create')
  .description('create an access key (secret shown once)')
  .option('--pool <name>', 'user pool name (created if missing)', 'default')
  .option('--description <text>', 'what the key is for')
  .action(async (options: { pool: string; description?: string }) => {
    const [keys, { findPoolByName, insertPool }] = await Promise.all([import('../services/access-keys.js'), import('../store/pools.js')]);
    await withDatabase(async (deps) => {
      const pool = (await findPoolByName(deps.db, options.pool)) ?? (await insertPool(deps.db, options.pool));
      const key = await keys.createKey(deps, pool.id, { description: options.description });
      console.log(`pool ${options.pool} (${pool.id})`);
      console.log(`USERPOOL_ACCESS_KEY_ID=${key.keyId}`);
      console.log(`USERPOOL_ACCESS_KEY_SECRET=${key.secret}`);
    });
  });

keyCommand
  .command('list')
  .description('list access keys (never their secrets)')
  .action(async () => {
    const keys = await import('../services/access-keys.js');
    await withDatabase(async (deps) => {
      for (const key of await keys.listKeys(deps.db)) {
        console.log([key.keyId, key.poolId, key.status, key.createdAt, key.description ?? ''].join('\t'));
      }
    });
  });

keyCommand
  .command('revoke <keyId>')
  .description('revoke an access key; signed requests with it are refused from then on')
  .action(async (keyId: string) => {
    const keys = await import('../services/access-keys.js');
    await withDatabase(async (deps) => {
      if (!(await keys.revokeKey(deps.db, keyId))) {
        console.error(`userpool: no active key ${keyId}`);
        process.exitCode = 1;
        return;
      }
      console.log(`revoked ${keyId}`);
      const { redisUrl, accessKeyCacheSeconds } = config();
      const cached = `servers that cached the key accept it for up to ACCESS_KEY_CACHE_SECONDS (${accessKeyCacheSeconds} s)`;
      if (!redisUrl) {
        console.log(`no REDIS_URL: ${cached}`);
        return;
      }
      const { announceKeyRevocation } = await import('../server/key-revocations.js');
      try {
        const heard = await announceKeyRevocation(redisUrl, keyId);
        console.log(`announced to ${heard} running server process${heard === 1 ? '' : 'es'} through Redis`);
      } catch (error) {
        console.error(`userpool: could not announce the revocation through Redis (${error instanceof Error ? error.message : String(error)}); ${cached}`);
      }
    });
  });

program.parseAsync().catch((error) => {
  console.error(`userpool: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
