import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../src/config.js';
import { importUsers } from '../src/cli/import-users.js';
import { openDatabase } from '../src/store/database.js';
import { useTestServer } from './helpers/server.js';
import { runCli } from './helpers/cli.js';
import { ok } from './helpers/fixtures.js';
import { authClient, createApp, signIn } from './helpers/apps.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const t = useTestServer();
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  env = { DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64') };
  dir = mkdtempSync(join(tmpdir(), 'userpool-bulk-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

const uniq = () => Math.random().toString(36).slice(2, 8);

/** People made through the API, 50 per create-users-batch. */
async function people(count: number): Promise<Array<{ userId: string; email: string; username: string }>> {
  const made: Array<{ userId: string; email: string; username: string }> = [];
  const s = uniq();
  for (let i = 0; i < count; i += 50) {
    const list = Array.from({ length: Math.min(50, count - i) }, (_, j) => ({ username: `bulk_${s}_${i + j}`, email: `bulk_${s}_${i + j}@corp.example`, password: 'Correct-horse-1' }));
    made.push(...ok<Array<{ userId: string; email: string; username: string }>>(await t.management.createUsersBatch({ list } as never), 'create-users-batch'));
  }
  return made;
}

const report = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Array<Record<string, string>>;
const statusOf = async (userId: string) => ok<{ status: string }>(await t.management.getUser({ userId }), 'get-user').status;
const receiptsOf = async (userIds: string[]) => {
  const all: Array<{ userId: string }> = [];
  for (let i = 0; i < userIds.length; i += 500) {
    all.push(...ok<{ list: Array<{ userId: string }> }>(await t.management.makeRequest({ method: 'POST', url: '/api/v3/get-resignation-receipts', data: { userIds: userIds.slice(i, i + 500) } }), 'receipts').list);
  }
  return all;
};

describe('userpool resign --csv', () => {
  it('previews with --dry-run, then resigns in batches, resumes where it stopped and reports every row', async () => {
    const staff = await people(120);
    const app = await createApp(t);
    const token = ((await signIn(authClient(t, app), staff[0].username)) as { data: { access_token: string } }).data.access_token;
    const csv = join(dir, 'leavers.csv');
    writeFileSync(csv, ['email', ...staff.map((p) => p.email), 'ghost@corp.example', staff[1].email.toUpperCase(), 'nobody@corp.example'].join('\n') + '\n');

    const dry = await runCli(['resign', '--csv', csv, '--dry-run'], env);
    expect(dry.code).toBe(1); // two rows match nobody
    expect(dry.stdout).toContain('would resign 120');
    const dryRows = report(`${csv}.dry-run-report.csv`);
    expect(dryRows).toHaveLength(123);
    expect(dryRows.filter((r) => r.outcome === 'not_found').map((r) => r.identifier)).toEqual(['ghost@corp.example', 'nobody@corp.example']);
    expect(await statusOf(staff[0].userId)).toBe('Activated');
    expect(await receiptsOf(staff.map((p) => p.userId))).toHaveLength(0);

    const first = await runCli(['resign', '--csv', csv, '--max-batches', '1'], env);
    expect(first.code).toBe(3);
    expect(first.stdout).toMatch(/^stopped \(run again to resume\): resigned 50/);
    expect(JSON.parse(readFileSync(`${csv}.resign-state.json`, 'utf8'))).toMatchObject({ batchesDone: 1, complete: false });
    expect(await statusOf(staff[49].userId)).toBe('Resigned');
    expect(await statusOf(staff[50].userId)).toBe('Activated');

    const rest = await runCli(['resign', '--csv', csv], env);
    expect(rest.code).toBe(1);
    expect(rest.stdout).toMatch(/^done: resigned 120, already resigned 1, not found 2/);
    const rows = report(`${csv}.resign-report.csv`);
    expect(rows).toHaveLength(123);
    expect(rows[0]).toMatchObject({ row: '2', identifier: staff[0].email, userId: staff[0].userId, outcome: 'resigned', sessionsEnded: '1' });
    expect(rows.filter((r) => r.outcome === 'resigned')).toHaveLength(120);
    for (const person of [staff[0], staff[77], staff[119]]) expect(await statusOf(person.userId)).toBe('Resigned');
    // One receipt per person: the resumed run did not resign the first batch again.
    expect(await receiptsOf(staff.map((p) => p.userId))).toHaveLength(120);
    expect(await authClient(t, app).introspectToken(token)).toMatchObject({ active: false });

    // The state belongs to this file: a changed file is refused instead of resumed.
    writeFileSync(csv, 'email\nsomeone@corp.example\n');
    const other = await runCli(['resign', '--csv', csv], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--state');
  });

  it('stops after the batch under way on SIGINT; the next run finishes the rest, each person once', async () => {
    const staff = await people(300);
    const csv = join(dir, 'interrupted.csv');
    writeFileSync(csv, staff.map((p) => p.userId).join('\n') + '\n');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, ['dist/cli/main.js', 'resign', '--csv', csv], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Interrupt as soon as the first batch is recorded.
    while (!existsSync(`${csv}.resign-state.json`)) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const code = await exited;
    const state = JSON.parse(readFileSync(`${csv}.resign-state.json`, 'utf8')) as { batchesDone: number; complete: boolean };
    if (!state.complete) expect({ code, stdout, stderr: stderr.slice(0, 600) }).toEqual({ code: 130, stdout: expect.stringContaining('stopped (run again to resume)'), stderr: expect.any(String) });
    const again = await runCli(['resign', '--csv', csv], env);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^done: resigned 300/) });
    expect(report(`${csv}.resign-report.csv`).filter((r) => r.outcome === 'resigned')).toHaveLength(300);
    expect(await receiptsOf(staff.map((p) => p.userId))).toHaveLength(300);
  });

  it('refuses an unknown --id-type without touching anyone, next to a known one', async () => {
    const [person] = await people(1);
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, `${person.username}\n`);
    const bad = await runCli(['resign', '--csv', csv, '--id-type', 'nickname', '--dry-run'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--id-type');
    const control = await runCli(['resign', '--csv', csv, '--id-type', 'username'], env);
    expect(control.code).toBe(0);
    expect(await statusOf(person.userId)).toBe('Resigned');
  });
});

describe('userpool import', () => {
  it('imports the good rows and reports each refused row with its reason', async () => {
    const s = uniq();
    const [existing] = await people(1);
    const csv = join(dir, 'users.csv');
    writeFileSync(csv, [
      'username,email,name,password,emailVerified',
      `ann_${s},ann_${s}@corp.example,Ann,Correct-horse-1,true`,
      `bob_${s},not-an-email,Bob,,`,
      `${existing.username},,Clash,,`,
      `,,"Nobody, really",,`,
      `cid_${s},cid_${s}@corp.example,"Cid ""the kid""",,maybe`,
      `dee_${s},,Dee,,no`,
    ].join('\n') + '\n');
    const result = await runCli(['import', csv], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('imported 2, rejected 4');
    const lines = result.stderr.split('\n');
    expect(lines.find((l) => l.startsWith('row 3: '))).toContain('email');
    expect(lines.find((l) => l.startsWith('row 4: '))).toContain('username');
    expect(lines.find((l) => l.startsWith('row 5: '))).toContain('at least one of username');
    expect(lines.find((l) => l.startsWith('row 6: '))).toContain('emailVerified');
    const ann = ok<{ userId: string; name: string; emailVerified: boolean }>(await t.management.getUser({ userId: `ann_${s}`, userIdType: 'username' }), 'get-user');
    expect(ann).toMatchObject({ name: 'Ann', emailVerified: true });
    expect((await t.management.getUser({ userId: `dee_${s}`, userIdType: 'username' })).statusCode).toBe(200);
    expect((await t.management.getUser({ userId: `cid_${s}`, userIdType: 'username' })).statusCode).toBe(404);
    const rows = report(`${csv}.import-report.csv`);
    expect(rows.map((r) => r.outcome)).toEqual(['imported', 'rejected', 'rejected', 'rejected', 'rejected', 'imported']);
    const logs = ok<{ list: Array<Record<string, unknown>> }>(await t.management.getAdminAuditLogs({ targetId: ann.userId, action: 'create-user' } as never), 'audit');
    expect(logs.list[0]).toMatchObject({ adminUserId: 'cli', actorType: 'system' });
  });

  it('refuses a file with an unknown column before importing anything', async () => {
    const s = uniq();
    const csv = join(dir, 'odd.csv');
    writeFileSync(csv, `username,shoeSize\nodd_${s},44\n`);
    const result = await runCli(['import', csv], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"shoeSize"');
    expect((await t.management.getUser({ userId: `odd_${s}`, userIdType: 'username' })).statusCode).toBe(404);
  });
});

// Whichever database the suite runs on: this is about how the CLI keeps a SQLite file.
describe("userpool import on an embedded (SQLite) database's write-ahead log", () => {
  // Ten users make about 250 pages of log, below SQLite's own checkpoint threshold (1000 pages):
  // only a checkpointing thread moves them into the database file before the command closes it.
  async function fileWithPool() {
    const file = join(dir, `embedded-${uniq()}.db`);
    const fileEnv = { DATABASE_URL: `sqlite:${file}`, USERPOOL_MASTER_KEY: env.USERPOOL_MASTER_KEY };
    // A one-shot command: it makes the default pool and closes the file, log and all.
    expect((await runCli(['keys', 'create'], fileEnv)).code).toBe(0);
    const csv = join(dir, `embedded-${uniq()}.csv`);
    writeFileSync(csv, ['username,password', ...Array.from({ length: 10 }, (_, i) => `wal_${i},Correct-horse-1`)].join('\n') + '\n');
    return { file, fileEnv, csv, pages: () => statSync(file).size / 4096 };
  }

  it("is copied into the database file while the import runs, by the command's checkpointing thread", async () => {
    const { fileEnv, csv, pages } = await fileWithPool();
    const before = pages();
    // The report goes to a named pipe, whose opening waits for a reader: the command stops there,
    // after its last commit and before it closes the database, until the test opens the pipe.
    const report = join(dir, `embedded-${uniq()}.report`);
    execFileSync('mkfifo', [report]);
    const running = runCli(['import', csv, '--report', report], fileEnv);
    let exited = false;
    void running.then(() => (exited = true));
    const deadline = Date.now() + 30_000;
    while (pages() === before && !exited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const whileRunning = pages();
    // Opening without waiting for a writer lets the command write its (small) report and finish.
    const reader = openSync(report, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const result = await running;
      expect({ code: result.code, stdout: result.stdout }).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 10, rejected 0') });
    } finally {
      closeSync(reader);
    }
    expect(whileRunning).toBeGreaterThan(before);
  });

  it('stays in the log after the same import without the thread (the control: the growth above comes from the thread)', async () => {
    const { file, fileEnv, csv, pages } = await fileWithPool();
    const before = pages();
    const handle = openDatabase(fileEnv.DATABASE_URL, { checkpointThread: false });
    try {
      const deps = { db: handle.db, dialect: handle.dialect, masterKey: Buffer.from(fileEnv.USERPOOL_MASTER_KEY, 'base64'), policy: loadConfig(fileEnv).policy };
      const done = await importUsers(deps, { csv, progress: false });
      expect(done.imported).toBe(10);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(pages()).toBe(before);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(100 * 4096);
    } finally {
      await handle.close();
    }
  });
});
