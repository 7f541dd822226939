import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../src/store/database.js';
import { checkpointInBackground } from '../src/store/sqlite-checkpoints.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { startServer } from '../src/server/start.js';
import { managementClient } from './helpers/server.js';
import { runCli } from './helpers/cli.js';
import { TEST_DB, freshDatabase } from './helpers/database.js';

// Spawns CLI processes; on a busy machine a start-up alone can take many seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const root = mkdtempSync(join(tmpdir(), 'userpool-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (n: number) => `0${n.toString(8)}`;
const keyId = () => `files-${randomBytes(6).toString('hex')}`;

// The files an embedded deployment writes are the same whichever database the suite runs on.
describe('files of an embedded (SQLite) deployment', () => {
  it('the database, its -wal and -shm files and the key file are owner-only (0600), in a new directory made 0700', async () => {
    const dir = join(root, 'new', 'data');
    const db = join(dir, 'userpool.db');
    const id = keyId();
    const secret = randomBytes(24).toString('base64url');
    const server = await startServer(
      loadConfig({ DATABASE_URL: `sqlite:${db}`, PORT: '0', LOG_LEVEL: 'silent', USERPOOL_ACCESS_KEY_ID: id, USERPOOL_ACCESS_KEY_SECRET: secret }),
      () => {},
    );
    try {
      const url = server.url.replace('localhost', '127.0.0.1');
      expect((await managementClient(url, id, secret).createUser({ username: `f${randomBytes(4).toString('hex')}` } as never)).statusCode).toBe(200);
      const modes = Object.fromEntries([db, `${db}-wal`, `${db}-shm`, join(dir, 'master.key')].map((p) => [p.slice(dir.length + 1), octal(mode(p))]));
      expect(modes).toEqual({ 'userpool.db': '0600', 'userpool.db-wal': '0600', 'userpool.db-shm': '0600', 'master.key': '0600' });
      expect(octal(mode(dir))).toBe('0700');
      expect(octal(mode(join(root, 'new')))).toBe('0700');
    } finally {
      await server.close();
    }
    // Control: the same process writing a file without asking gets one others can read, so the
    // modes above are the server's doing, not the machine's umask.
    const plain = join(root, 'plain.txt');
    writeFileSync(plain, 'x');
    expect(mode(plain) & 0o044).not.toBe(0);
  });

  it('reading the configuration writes nothing; the first start makes the key file and later starts read the same key', async () => {
    const dir = join(root, 'lazy');
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'userpool.db')}`, PORT: '0', LOG_LEVEL: 'silent' });
    expect(config.masterKey).toEqual({ file: join(dir, 'master.key') });
    expect(existsSync(dir)).toBe(false);

    const id = keyId();
    const secret = randomBytes(24).toString('base64url');
    const env = { DATABASE_URL: `sqlite:${join(dir, 'userpool.db')}`, PORT: '0', LOG_LEVEL: 'silent', USERPOOL_ACCESS_KEY_ID: id, USERPOOL_ACCESS_KEY_SECRET: secret };
    const first = await startServer(loadConfig(env), () => {});
    const key = readFileSync(join(dir, 'master.key'), 'utf8');
    await first.close();
    // The access key's secret is stored encrypted: a second start that read another key could not check a signature.
    const second = await startServer(loadConfig(env), () => {});
    try {
      expect(readFileSync(join(dir, 'master.key'), 'utf8')).toBe(key);
      expect(second.deps.masterKey.equals(Buffer.from(key.trim(), 'base64'))).toBe(true);
      const answer = await managementClient(second.url.replace('localhost', '127.0.0.1'), id, secret).listUsers({} as never);
      expect(answer.statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('the master key on PostgreSQL', () => {
  const pg = 'postgres://postgres@127.0.0.1:5432/userpool_never_opened';

  it('is required: the configuration is refused naming USERPOOL_MASTER_KEY, and no key file is written anywhere', () => {
    const cwd = process.cwd();
    const before = existsSync(join(cwd, 'data', 'master.key'));
    for (const env of [{ DATABASE_URL: pg }, { DATABASE_URL: pg, USERPOOL_MASTER_KEY: '' }, { DATABASE_URL: pg, USERPOOL_MASTER_KEY_FILE: join(root, 'pg.key') }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/^USERPOOL_MASTER_KEY must be set when DATABASE_URL is PostgreSQL/);
    }
    expect(existsSync(join(root, 'pg.key'))).toBe(false);
    expect(existsSync(join(cwd, 'data', 'master.key'))).toBe(before);
    // Control: with the key the same configuration is taken, and holds that key.
    const key = randomBytes(32);
    expect(loadConfig({ DATABASE_URL: pg, USERPOOL_MASTER_KEY: key.toString('hex') }).masterKey).toEqual({ key });
  });

  it('`userpool serve` stops with exit code 2 and one line naming the variable', async () => {
    const result = await runCli(['serve'], { DATABASE_URL: pg, PORT: '0', LOG_LEVEL: 'silent' });
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^userpool: USERPOOL_MASTER_KEY must be set when DATABASE_URL is PostgreSQL, the same on every node/);
    expect(result.stdout).not.toMatch(/listening/i);
  });

  it('control: two servers given the same key on one database read the secrets each other wrote', async () => {
    // On SQLite the suite's database is a file both processes share, which is the same case.
    const database = await freshDatabase();
    const masterKey = randomBytes(32).toString('base64');
    const id = keyId();
    const secret = randomBytes(24).toString('base64url');
    const env = { DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', USERPOOL_MASTER_KEY: masterKey };
    const first = await startServer(loadConfig({ ...env, USERPOOL_ACCESS_KEY_ID: id, USERPOOL_ACCESS_KEY_SECRET: secret }), () => {});
    const second = await startServer(loadConfig(env), () => {});
    try {
      // The key was written (encrypted) by the first server; the second must decrypt it to check the signature.
      const answer = await managementClient(second.url.replace('localhost', '127.0.0.1'), id, secret).listUsers({} as never);
      expect({ db: TEST_DB, statusCode: answer.statusCode }).toEqual({ db: TEST_DB, statusCode: 200 });
    } finally {
      await second.close();
      await first.close();
      await database.drop();
    }
  });
});

// Whichever database the suite runs on: this is about how Userpool opens SQLite files.
describe('an embedded (SQLite) database written by two processes', () => {
  it("a transaction that reads before it writes is not refused when another process committed in between (it holds the write lock from BEGIN)", async () => {
    const file = join(root, `two-writers-${keyId()}.db`);
    const handle = openDatabase(`sqlite:${file}`);
    try {
      await sql`create table probe (x integer)`.execute(handle.db);
      // The other process announces itself, then inserts a row, waiting for the lock as SQLite does.
      const script = `const db = new (require('better-sqlite3'))(process.argv[1]); db.pragma('busy_timeout = 10000'); console.log('trying'); db.prepare('insert into probe values (1)').run();`;
      let other: ReturnType<typeof spawn> | undefined;
      let done: Promise<number | null> | undefined;
      await handle.db.transaction().execute(async (trx) => {
        expect((await sql<{ n: number }>`select count(*) as n from probe`.execute(trx)).rows[0].n).toBe(0);
        other = spawn(process.execPath, ['-e', script, file], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
        done = new Promise((resolve) => other!.on('exit', resolve));
        await new Promise<void>((resolve) => other!.stdout!.once('data', () => resolve()));
        // Long enough for the other insert to commit, had this transaction not held the lock.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await sql`insert into probe values (2)`.execute(trx);
      });
      expect(await done).toBe(0);
      const rows = await sql<{ x: number }>`select x from probe order by x`.execute(handle.db);
      // Both writes landed: this transaction's and, once it committed, the other process's.
      expect(rows.rows.map((r) => r.x)).toEqual([1, 2]);
    } finally {
      await handle.close();
    }
  });
});

// Whichever database the suite runs on: this is about how the server keeps a SQLite file.
describe("an embedded (SQLite) database's write-ahead log", () => {
  // 600 pages of rows: below SQLite's own checkpoint threshold (1000 pages), so only the
  // checkpointing thread can move them into the database file.
  const writeRows = async (handle: ReturnType<typeof openDatabase>) => {
    await sql`create table filler (x text)`.execute(handle.db);
    await handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 600; i++) await sql`insert into filler values (${'x'.repeat(4000)})`.execute(trx);
    });
  };
  const settled = () => new Promise((resolve) => setTimeout(resolve, 1500));

  it("is copied into the database file by the checkpointing thread a file gets by default, not in the writer's commits", async () => {
    const file = join(root, `checkpointed-${keyId()}.db`);
    const handle = openDatabase(`sqlite:${file}`);
    try {
      await writeRows(handle);
      await settled();
      // The rows are in the database file itself (600 pages of 4 KiB), not only in the log.
      expect(statSync(file).size).toBeGreaterThan(600 * 4096);
    } finally {
      await handle.close();
    }
  });

  // A connection in WAL mode, as openDatabase makes it, with a checkpointing thread beside it.
  const withThread = (name: string) => {
    const file = join(root, `${name}-${keyId()}.db`);
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    return { file, sqlite, checkpoints: checkpointInBackground(sqlite, file) };
  };

  it('is not waited for when the database closes before its thread has opened a connection: the thread is ended, not asked to stop', async () => {
    const { sqlite, checkpoints } = withThread('closed-at-once');
    try {
      // Stopped in the turn that started it: the thread cannot have reported its connection open.
      expect(await checkpoints.stop()).toBe('terminated');
    } finally {
      sqlite.close();
    }
  });

  it('is asked to close its connection, and closes it, once it has one (the control: stopping at once is what ended it)', async () => {
    const { file, sqlite, checkpoints } = withThread('closed-later');
    try {
      sqlite.exec('create table filler (x text)');
      const insert = sqlite.prepare('insert into filler values (?)');
      sqlite.transaction(() => {
        for (let i = 0; i < 600; i++) insert.run('x'.repeat(4000));
      })();
      // The rows reach the database file only through the thread's checkpoint: it has its connection.
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(600 * 4096), { timeout: 60_000, interval: 50 });
      expect(await checkpoints.stop()).toBe('closed');
    } finally {
      sqlite.close();
    }
  });

  it("is left to the process's checkpointing thread by a connection that says so (a delivery thread's), past SQLite's 1000 pages; the control checkpoints in its own commit", async () => {
    const writeMany = async (handle: ReturnType<typeof openDatabase>) => {
      await sql`create table filler (x text)`.execute(handle.db);
      await handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 1200; i++) await sql`insert into filler values (${'x'.repeat(4000)})`.execute(trx);
      });
    };
    const elsewhere = join(root, `elsewhere-${keyId()}.db`);
    const own = join(root, `own-${keyId()}.db`);
    const left = openDatabase(`sqlite:${elsewhere}`, { checkpointedElsewhere: true });
    const control = openDatabase(`sqlite:${own}`, { checkpointThread: false });
    try {
      await writeMany(left);
      await writeMany(control);
      await settled();
      // Nothing checkpoints the first file (no thread was started for it here): its rows wait in the log.
      expect(statSync(elsewhere).size).toBeLessThan(100 * 4096);
      expect(statSync(`${elsewhere}-wal`).size).toBeGreaterThan(1200 * 4096);
      // SQLite's own checkpoint, at the commit past 1000 pages, copied the control's into its file.
      expect(statSync(own).size).toBeGreaterThan(1200 * 4096);
    } finally {
      await left.close();
      await control.close();
    }
  });

  it('stays in the log without the thread (the control: the size above comes from the thread)', async () => {
    const file = join(root, `unchecked-${keyId()}.db`);
    const handle = openDatabase(`sqlite:${file}`, { checkpointThread: false });
    try {
      await writeRows(handle);
      await settled();
      expect(statSync(file).size).toBeLessThan(100 * 4096);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(600 * 4096);
    } finally {
      await handle.close();
    }
  });
});
