import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { Deps } from '../services/context.js';
import { ACCESS_KEY_CHANNEL, SCIM_TOKEN_CHANNEL } from '../server/revocation-channels.js';

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

/** The master key: USERPOOL_MASTER_KEY, or (SQLite) the key file, made on first use. */
async function masterKeyOf(cfg: Config): Promise<Buffer> {
  const { readMasterKey } = await import('../lib/master-key.js');
  try {
    return readMasterKey(cfg.masterKey);
  } catch (error) {
    return exitOnConfigError(error);
  }
}

/**
 * Runs `work` against a migrated database, then closes it.
 *
 * Which commands checkpoint a SQLite file from a thread of their own (store/sqlite-checkpoints.ts)
 * is decided per command. `serve`, `import` and `resign --csv` commit for as long as there are
 * rows: without the thread, each commit that takes the log past 1000 pages stops to copy it into
 * the database file and sync it; with it, that copy runs beside the next rows' work. The other
 * commands make a handful of commits, or statement-sized ones a thread could not split (`prune`,
 * `migrate`, `deliveries resend`), or only read (`resign --dry-run`): starting the thread (about
 * 0.1 s of work, mostly on the thread itself) would cost more than it could save. What they write
 * is copied when the last connection to the file closes, or by a running server's thread.
 */
async function withDatabase<T>(work: (deps: Deps) => Promise<T>, use: DatabaseUse = {}): Promise<T> {
  const cfg = config();
  return withMigratedDatabase(cfg, ({ handle, masterKey }) => work({ db: handle.db, dialect: handle.dialect, masterKey, policy: cfg.policy }), use);
}

type DatabaseUse = { longWrites?: boolean };

/**
 * Opens the database and brings its schema up to date, runs `work` (told which migrations ran),
 * then closes it. A migration may change what a token check answers (its data, its schema), so
 * when one ran, running servers drop their cached checks before `work` begins, as after any write
 * of a command: the migrations were committed before announcing began, so they are announced here.
 */
async function withMigratedDatabase<T>(
  cfg: Config,
  work: (migrated: { handle: import('../store/database.js').DatabaseHandle; masterKey: Buffer; ran: string[] }) => Promise<T>,
  use: DatabaseUse = {},
): Promise<T> {
  const [{ openDatabase }, { migrateToLatest }] = await store();
  const masterKey = await masterKeyOf(cfg);
  // Closing below stops the checkpoint thread, if the command has one, before the connection.
  const handle = openDatabase(cfg.databaseUrl, { checkpointThread: use.longWrites === true });
  let announcing: Announcing | undefined;
  try {
    const ran = await migrateToLatest(handle, masterKey);
    // Connects to Redis only on a first announcement: never when no migration ran and nothing is written.
    announcing = await announceWrites(cfg, handle);
    if (ran.length) await announcing.announce();
    return await work({ handle, masterKey, ran });
  } finally {
    await announcing?.close();
    await handle.close();
  }
}

type Announcing = { announce(): Promise<void>; close(): Promise<void> };

/**
 * With PostgreSQL and REDIS_URL, running servers drop their cached token checks after each write
 * of a command, before the command goes on (a resignation from a CSV locks the accounts out at
 * once); SQLite servers see the file change by themselves.
 */
async function announceWrites(cfg: Config, handle: import('../store/database.js').DatabaseHandle): Promise<Announcing> {
  const { announceToolWrites } = await import('../server/token-check-invalidations.js');
  return announceToolWrites(handle, cfg.redisUrl, cfg.tokenCheckCache.ackTimeoutMs, {
    warn: (object, message) => console.error(`userpool: ${message} (${String((object as { err?: Error }).err?.message ?? JSON.stringify(object))})`),
  });
}

const program = new Command('userpool').description('GenAuth-compatible identity directory and lifecycle server');

program
  .command('serve')
  .description('migrate the database, then serve the API on HOST:PORT')
  .action(async () => {
    const cfg = config();
    const { startServer } = await import('../server/start.js');
    // The handlers are in place before start-up ends, so a signal that arrives meanwhile (an
    // orchestrator stopping a node that just started) still stops it gracefully once it listens.
    const starting = startServer(cfg).catch(exitOnConfigError);
    let stopping = false;
    // Stops accepting, lets requests and background work in flight finish (up to
    // SHUTDOWN_TIMEOUT_SECONDS), closes Redis and the database: exit 0 when everything finished,
    // 1 when the deadline cut something short.
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      const server = await starting;
      const started = Date.now();
      server.app.log.info({ signal, deadlineSeconds: cfg.shutdownTimeoutSeconds }, 'shutting down: draining requests in flight');
      // Closing the database and Redis gets a few seconds of its own past the deadline.
      setTimeout(() => process.exit(1), cfg.shutdownTimeoutSeconds * 1000 + 5000).unref();
      const outcome = await server.close().catch((error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        return 'failed' as const;
      });
      server.app.log.info({ outcome, ms: Date.now() - started }, 'stopped');
      process.exit(outcome === 'drained' ? 0 : 1);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await starting;
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    await withMigratedDatabase(config(), async ({ ran }) => {
      console.log(ran.length ? `applied: ${ran.join(', ')}` : 'schema is up to date');
    });
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

const deliveryCommand = program.command('deliveries').description('outgoing deliveries (webhooks, back-channel logout)');

deliveryCommand
  .command('status')
  .description('count deliveries by status (pending, delivered, dead)')
  .option('--webhook <webhookId>', 'only this webhook')
  .action(async (options: { webhook?: string }) => {
    const { countByStatus } = await import('../store/deliveries.js');
    await withDatabase(async (deps) => {
      const counts = await countByStatus(deps.db, { webhookId: options.webhook });
      console.log(['pending', 'delivered', 'dead'].map((status) => `${status} ${counts[status] ?? 0}`).join(', '));
    });
  });

deliveryCommand
  .command('resend')
  .description('send dead deliveries again (same webhook-id, fresh retries); running servers pick them up')
  .option('--webhook <webhookId>', 'only this webhook')
  .option('--pool <poolId>', 'only this user pool')
  .action(async (options: { webhook?: string; pool?: string }) => {
    const { resendDead } = await import('../services/deliveries.js');
    await withDatabase(async (deps) => {
      const count = await resendDead(deps.db, { webhookId: options.webhook, poolId: options.pool });
      console.log(`re-queued ${count} dead deliver${count === 1 ? 'y' : 'ies'}`);
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
      // A pool made here gets its admin role and console client now, not at the next server start.
      await (await import('../services/administrators.js')).ensureConsole(deps, pool, deps.policy.publicUrl);
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
      await announceRevoked('key', ACCESS_KEY_CHANNEL, keyId);
    });
  });

/**
 * Tells running servers through Redis that a credential was revoked (`id` is what they cache it
 * by) and prints how many processes heard it. Without REDIS_URL, or when Redis fails, it prints
 * how long a server that cached the credential still accepts it: the revocation is committed
 * either way, so a failed announcement is reported without failing the command.
 */
async function announceRevoked(credential: 'key' | 'token', channel: string, id: string): Promise<void> {
  const { redisUrl, accessKeyCacheSeconds } = config();
  const cached = `servers that cached the ${credential} accept it for up to ACCESS_KEY_CACHE_SECONDS (${accessKeyCacheSeconds} s)`;
  if (!redisUrl) {
    console.log(`no REDIS_URL: ${cached}`);
    return;
  }
  const revocations = await import('../server/key-revocations.js');
  try {
    const heard = await revocations.announceRevocationOnce(redisUrl, channel, id);
    console.log(`announced to ${heard} running server process${heard === 1 ? '' : 'es'} through Redis`);
  } catch (error) {
    console.error(`userpool: could not announce the revocation through Redis (${error instanceof Error ? error.message : String(error)}); ${cached}`);
  }
}

program
  .command('unlock <user>')
  .description('lift the lock-out of a user after wrong passwords (from every address); <user> is an id, username, email, phone or external id')
  .option('--pool <name>', 'user pool name', 'default')
  .option('--type <userIdType>', 'how <user> names the user (user_id, username, email, phone, external_id, …); guessed when not given')
  .action(async (user: string, options: { pool: string; type?: string }) => {
    const [{ unlockUser }, { findPoolByName }] = await Promise.all([import('../services/lockout.js'), import('../store/pools.js')]);
    await withDatabase(async (deps) => {
      const pool = await findPoolByName(deps.db, options.pool);
      if (!pool) {
        console.error(`userpool: no user pool named ${options.pool}`);
        process.exitCode = 1;
        return;
      }
      try {
        const scope = { ...deps, poolId: pool.id, actor: 'cli', requestId: `cli-${Date.now().toString(36)}` };
        const { wasLocked } = await unlockUser(scope, user, options.type, options.type === undefined);
        console.log(wasLocked ? `unlocked ${user}` : `${user} was not locked; its wrong-password counts are cleared`);
      } catch (error) {
        console.error(`userpool: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
    });
  });

const scimTokenCommand = program.command('scim-token').description('SCIM 2.0 bearer tokens (one user pool each)');

scimTokenCommand
  .command('create')
  .description('create a SCIM token for a pool; prints one line SCIM_TOKEN=<token> (shown once, stored hashed)')
  .option('--pool <name>', 'user pool name (created if missing)', 'default')
  .option('--description <text>', 'what the token is for (e.g. "Okta")')
  .action(async (options: { pool: string; description?: string }) => {
    const [tokens, { findPoolByName, insertPool }] = await Promise.all([import('../services/scim/tokens.js'), import('../store/pools.js')]);
    await withDatabase(async (deps) => {
      const pool = (await findPoolByName(deps.db, options.pool)) ?? (await insertPool(deps.db, options.pool));
      // A pool made here gets its admin role and console client now, not at the next server start.
      await (await import('../services/administrators.js')).ensureConsole(deps, pool, deps.policy.publicUrl);
      const issued = await tokens.createScimToken(deps.db, pool.id, options.description);
      console.log(`SCIM_TOKEN=${issued.token}`);
    });
  });

scimTokenCommand
  .command('list')
  .description('list SCIM tokens (never the tokens themselves): id, pool, status, created, description')
  .action(async () => {
    const tokens = await import('../services/scim/tokens.js');
    await withDatabase(async (deps) => {
      for (const token of await tokens.listScimTokens(deps.db)) {
        console.log([token.id, token.poolName, token.status, token.createdAt, token.description ?? ''].join('\t'));
      }
    });
  });

scimTokenCommand
  .command('revoke <id>')
  .description('revoke a SCIM token; requests with it are refused from then on')
  .action(async (id: string) => {
    const tokens = await import('../services/scim/tokens.js');
    await withDatabase(async (deps) => {
      const hash = await tokens.revokeScimToken(deps.db, id);
      if (!hash) {
        console.error(`userpool: no active SCIM token ${id}`);
        process.exitCode = 1;
        return;
      }
      console.log(`revoked ${id}`);
      await announceRevoked('token', SCIM_TOKEN_CHANNEL, hash);
    });
  });

const adminCommand = program.command('admins').description('administrators: users who may use the console (role admin in the reserved namespace userpool)');

/** Runs an admins subcommand; a refusal (unknown user, resigned, not an admin) is one line and exit code 1. */
async function adminsAction(work: (admins: typeof import('../services/administrators.js'), deps: Deps) => Promise<void>): Promise<void> {
  const [admins, { AppError }] = await Promise.all([import('../services/administrators.js'), import('../errors.js')]);
  await withDatabase(async (deps) => {
    try {
      await work(admins, deps);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      console.error(`userpool: ${error.message}`);
      process.exitCode = 1;
    }
  });
}

adminCommand
  .command('add <user>')
  .description('make a user (id, email or username) an administrator of the pool')
  .option('--pool <pool>', 'user pool id or name', 'default')
  .action(async (who: string, options: { pool: string }) => {
    await adminsAction(async (admins, deps) => {
      const admin = await admins.addAdmin(deps, options.pool, who, deps.policy.publicUrl);
      console.log(`administrator ${admin.userId} ${admin.email ?? admin.username ?? admin.name ?? ''}`.trimEnd());
    });
  });

adminCommand
  .command('list')
  .description('list the administrators of the pool: user id, email, name, status, granted at')
  .option('--pool <pool>', 'user pool id or name', 'default')
  .action(async (options: { pool: string }) => {
    await adminsAction(async (admins, deps) => {
      const { admins: list } = await admins.listAdmins(deps, options.pool);
      for (const a of list) console.log([a.userId, a.email ?? '', a.name ?? a.username ?? '', a.status, a.grantedAt ?? ''].join('\t'));
    });
  });

adminCommand
  .command('remove <user>')
  .description('take the admin role away; their console tokens are refused from their next call')
  .option('--pool <pool>', 'user pool id or name', 'default')
  .action(async (who: string, options: { pool: string }) => {
    await adminsAction(async (admins, deps) => {
      const admin = await admins.removeAdmin(deps, options.pool, who);
      console.log(`removed administrator ${admin.userId}`);
    });
  });

/** A count the options parser checks: a positive whole number. */
function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}

program
  .command('resign')
  .description('resign the people listed in the first column of a CSV file, 50 per transaction, with a progress bar; resumable; writes a report')
  .requiredOption('--csv <file>', 'CSV file: one identifier per line in the first column (a header such as "email" also sets --id-type)')
  .option('--id-type <type>', 'user_id, email, phone, username, external_id, identity or sync_relation (default: from the header, else user_id)')
  .option('--dry-run', 'change nothing: report what each batch would remove and which identifiers match nobody', false)
  .option('--pool <pool>', 'user pool id or name', 'default')
  .option('--state <file>', 'where progress is kept between runs (default: <csv>.resign-state.json)')
  .option('--report <file>', 'the report, one line per row (default: <csv>.resign-report.csv)')
  .option('--max-batches <n>', 'stop after this many batches; run again to go on', positive)
  .action(async (options: { csv: string; idType?: string; dryRun: boolean; pool: string; state?: string; report?: string; maxBatches?: number }) => {
    const [{ resignFromCsv }, { AppError }] = await Promise.all([import('./resign-csv.js'), import('../errors.js')]);
    // Ctrl-C lets the batch under way finish and be recorded, then stops: the next run goes on from there.
    let stop = false;
    const onSignal = () => {
      if (stop) process.exit(130);
      stop = true;
      console.error('userpool: stopping after the batch under way (Ctrl-C again to stop at once; the next run resumes)');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    await withDatabase(async (deps) => {
      try {
        const done = await resignFromCsv(deps, { ...options, progress: Boolean(process.stderr.isTTY) }, () => stop);
        const counts = Object.entries(done.counts).filter(([, n]) => n > 0).map(([what, n]) => `${what.replace('_', ' ')} ${n}`).join(', ');
        console.log(`${done.complete ? 'done' : 'stopped (run again to resume)'}: ${counts || 'nothing to do'}`);
        console.log(`report: ${done.reportPath}`);
        if (!done.complete) {
          console.log(`state: ${done.statePath}`);
          process.exitCode = stop ? 130 : 3;
        } else if (done.counts.error > 0 || done.counts.not_found > 0) {
          process.exitCode = 1;
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(`userpool: ${error.message}`);
        process.exitCode = 2;
      }
    }, { longWrites: !options.dryRun });
  });

program
  .command('import <file>')
  .description('create the users of a CSV file (a header names the create-user fields), with a progress bar; each refused row is reported with its reason, the rest are imported')
  .option('--pool <pool>', 'user pool id or name', 'default')
  .option('--report <file>', 'the report, one line per row (default: <file>.import-report.csv)')
  .action(async (file: string, options: { pool: string; report?: string }) => {
    const [{ importUsers }, { AppError }] = await Promise.all([import('./import-users.js'), import('../errors.js')]);
    await withDatabase(async (deps) => {
      try {
        const done = await importUsers(deps, { csv: file, pool: options.pool, report: options.report, progress: Boolean(process.stderr.isTTY) });
        for (const row of done.rejected) console.error(`row ${row.row}: ${row.reason}`);
        console.log(`imported ${done.imported}, rejected ${done.rejected.length}`);
        console.log(`report: ${done.reportPath}`);
        if (done.rejected.length) process.exitCode = 1;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(`userpool: ${error.message}`);
        process.exitCode = 2;
      }
    }, { longWrites: true });
  });

program
  .command('scim-settings')
  .description('show, or change with the options, what SCIM deprovisioning does in a pool')
  .option('--pool <name>', 'user pool name', 'default')
  .option('--deactivate <action>', 'what active:false does: suspend (default, reversible) or resign')
  .option('--delete <action>', 'what DELETE does: resign (default, record kept) or delete (hard delete)')
  .action(async (options: { pool: string; deactivate?: string; delete?: string }) => {
    const [settings, { findPoolByName }, { AppError }] = await Promise.all([
      import('../services/scim/settings.js'), import('../store/pools.js'), import('../errors.js'),
    ]);
    await withDatabase(async (deps) => {
      const pool = await findPoolByName(deps.db, options.pool);
      if (!pool) {
        console.error(`userpool: no user pool ${options.pool}`);
        process.exitCode = 1;
        return;
      }
      try {
        const current = options.deactivate === undefined && options.delete === undefined
          ? await settings.getScimSettings(deps.db, pool.id)
          : await settings.setScimSettings(deps.db, pool.id, { deactivate: options.deactivate, delete: options.delete });
        console.log(`pool ${options.pool}: deactivate=${current.deactivate} delete=${current.delete}`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(`userpool: ${error.message}`);
        process.exitCode = 2;
      }
    });
  });

program.parseAsync().catch((error) => {
  console.error(`userpool: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
