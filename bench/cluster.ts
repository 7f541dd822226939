// `npm run bench:cluster`: PostgreSQL and Redis as on this machine, two Userpool processes and
// nginx in front (deploy/nginx.conf), a million seeded users, a mixed load through nginx with one
// node SIGKILLed half-way, and a check afterwards that nothing acknowledged was lost.
// Bounded: CLUSTER_USERS (1000000), CLUSTER_PHASE_SECONDS (30: one node, then twice that with
// two nodes, the kill half-way), CLUSTER_CONCURRENCY (32), CLUSTER_VICTIMS (800). 127.0.0.1 only.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from 'authing-node-sdk';
import pg from 'pg';
import { sql } from 'kysely';
import { ensureBuilt } from '../scripts/build.mjs';
import { openDatabase } from '../src/store/database.js';
import { findPoolByName } from '../src/store/pools.js';
import { hashPassword } from '../src/services/passwords.js';
import { nginxBinary, startNginx } from './cluster/nginx.js';
import { bulkSeedUsers, seededId } from './cluster/seed.js';
import { httpClient, introspect, management, runLoad, signIn, type Fixture, type OpRecord, type Tokens } from './cluster/load.js';

const int = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const USERS = int('CLUSTER_USERS', 1_000_000);
const PHASE = int('CLUSTER_PHASE_SECONDS', 30);
const CONCURRENCY = int('CLUSTER_CONCURRENCY', 32);
const VICTIMS = int('CLUSTER_VICTIMS', 800);
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

interface Node {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  rss: number[];
}

async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 600) throw new Error(`${name} not ready within 120 s`);
    await pause(200);
  }
  return { name, port, url, child, rss: [] };
}

function rssMiB(pid: number | undefined): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function ok<T>(answer: { statusCode: number; message?: string; data?: unknown }, what: string): T {
  if (answer.statusCode !== 200) throw new Error(`${what}: ${answer.statusCode} ${answer.message}`);
  return answer.data as T;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

ensureBuilt();
const nginx = nginxBinary();
const dir = mkdtempSync(join(os.tmpdir(), 'userpool-cluster-'));
const dbName = `userpool_cluster_${Date.now()}`;
const dbUrl = Object.assign(new URL(PG_ADMIN), { pathname: `/${dbName}` }).toString();
const nginxPort = await freePort();
const env = {
  DATABASE_URL: dbUrl,
  DATABASE_POOL_SIZE: '10',
  REDIS_URL,
  // One address (the load generator) signing in a few accounts over and over: the throttle would stop it.
  SIGNIN_RATE_PER_ADDRESS: '0',
  SIGNIN_RATE_PER_ACCOUNT: '0',
  USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'),
  USERPOOL_ACCESS_KEY_ID: randomBytes(12).toString('hex'),
  USERPOOL_ACCESS_KEY_SECRET: randomBytes(24).toString('base64url'),
  OIDC_ISSUER: `http://127.0.0.1:${nginxPort}/oidc`,
  LOG_LEVEL: 'warn',
  PRUNE_INTERVAL_SECONDS: '0',
};
const nodes: Node[] = [];
let front: Awaited<ReturnType<typeof startNginx>> | undefined;
const handle = { current: undefined as ReturnType<typeof openDatabase> | undefined };
const started = Date.now();

try {
  await adminQuery(`create database ${dbName}`);
  log(`database ${dbName}; work files in ${dir}`);
  const a = await startNode('node A', env);
  nodes.push(a);
  const m = new ManagementClient({ accessKeyId: env.USERPOOL_ACCESS_KEY_ID, accessKeySecret: env.USERPOOL_ACCESS_KEY_SECRET, host: a.url, timeout: 60_000 });

  // Directory: one organization with 8 departments, one application for sign-ins.
  const s = randomBytes(3).toString('hex');
  const org = ok<{ departmentId: string; organizationCode: string }>(await m.createOrganization({ organizationCode: `corp_${s}`, organizationName: `Corp ${s}` } as never), 'create-organization');
  const departmentIds: string[] = [];
  for (let i = 0; i < 8; i++) {
    departmentIds.push(ok<{ departmentId: string }>(await m.createDepartment({ organizationCode: org.organizationCode, parentDepartmentId: org.departmentId, name: `Team ${i}`, code: `team_${s}_${i}` } as never), 'create-department').departmentId);
  }
  const created = ok<{ appId: string }>(await m.createApplication({ appName: `Cluster ${s}`, appIdentifier: `cluster-${s}` } as never), 'create-application');
  const appSecret = ok<{ secret: string }>(await m.getApplicationSecret({ appId: created.appId }), 'get-application-secret').secret;

  // Seed a million users in bulk.
  handle.current = openDatabase(dbUrl, { poolSize: 2 });
  const db = handle.current.db;
  const pool = await findPoolByName(db, 'default');
  if (!pool) throw new Error('no default pool');
  const tag = randomBytes(3).toString('hex');
  const seedStart = Date.now();
  const passwordHash = await hashPassword('Cluster-pass-1');
  await bulkSeedUsers(db, pool.id, tag, USERS, passwordHash, (done) => process.stdout.write(`\r  seeded ${done} users`));
  const seedSeconds = (Date.now() - seedStart) / 1000;
  process.stdout.write('\n');
  log(`seeded ${USERS} users in ${seedSeconds.toFixed(1)} s`);

  // Victims: signed in (tokens kept) and members of two departments each, resigned during the load.
  const direct = httpClient(a.url, 8);
  const fixture: Fixture = {
    keyId: env.USERPOOL_ACCESS_KEY_ID, secret: env.USERPOOL_ACCESS_KEY_SECRET, app: { appId: created.appId, secret: appSecret },
    tag, users: USERS, organizationCode: org.organizationCode, departmentIds, victims: [], firstOrdinary: VICTIMS,
  };
  const victimNumbers = Array.from({ length: VICTIMS }, (_, n) => n);
  await inParallel(victimNumbers, 4, async (n) => {
    const answer = await signIn(direct, fixture, n);
    if (answer.body?.statusCode !== 200) throw new Error(`victim sign-in: ${JSON.stringify(answer.body)}`);
    fixture.victims.push({ n, tokens: { access: answer.body.data.access_token, refresh: answer.body.data.refresh_token } });
  });
  for (let i = 0; i < VICTIMS; i += 50) {
    const userIds = victimNumbers.slice(i, i + 50).map((n) => seededId(tag, n));
    for (const departmentId of departmentIds.slice(0, 2)) {
      const answer = await management(direct, fixture, 'POST', '/api/v3/add-department-members', { organizationCode: org.organizationCode, departmentId, userIds });
      if (answer.body?.statusCode !== 200) throw new Error(`victim membership: ${JSON.stringify(answer.body)}`);
    }
  }
  log(`${VICTIMS} victims signed in and placed in 2 departments each`);

  const b = await startNode('node B', env);
  nodes.push(b);
  front = await startNginx(nginx, dir, nginxPort, [a.port]);
  log(`nginx (pid ${front.pid}) on 127.0.0.1:${nginxPort}, upstream node A only`);

  const sampler = setInterval(() => {
    for (const node of nodes) {
      const rss = node.child.exitCode === null && node.child.signalCode === null ? rssMiB(node.child.pid) : undefined;
      if (rss !== undefined) node.rss.push(rss);
    }
  }, 1000);

  const client = httpClient(`http://127.0.0.1:${nginxPort}`, CONCURRENCY);
  // Phase 1: one node behind nginx.
  let t0 = performance.now();
  log(`phase 1: ${PHASE} s, one node, ${CONCURRENCY} concurrent`);
  const one = await runLoad(client, fixture, { concurrency: CONCURRENCY, t0, until: () => performance.now() - t0 > PHASE * 1000 });
  // Phase 2: both nodes; node B is SIGKILLed half-way.
  await front.reload([a.port, b.port]);
  const remaining = { ...fixture, victims: fixture.victims.filter((v) => !one.acks.resigned.includes(v)) };
  t0 = performance.now();
  let killAt = Infinity;
  const killer = setTimeout(() => {
    killAt = performance.now() - t0;
    b.child.kill('SIGKILL');
    log(`SIGKILL node B (pid ${b.child.pid})`);
  }, PHASE * 1000);
  log(`phase 2: ${2 * PHASE} s, two nodes, node B killed after ${PHASE} s`);
  const two = await runLoad(client, remaining, { concurrency: CONCURRENCY, t0, until: () => performance.now() - t0 > 2 * PHASE * 1000 });
  clearTimeout(killer);
  clearInterval(sampler);
  client.close();

  // Afterwards, on the surviving node: nothing acknowledged was lost.
  const resigned = [...one.acks.resigned, ...two.acks.resigned];
  const memberships = [...one.acks.memberships, ...two.acks.memberships];
  let resignedWrong = 0;
  let tokensAlive = 0;
  await inParallel(resigned, 8, async (victim) => {
    const userId = seededId(tag, victim.n);
    const user = await management(direct, fixture, 'GET', '/api/v3/get-user', { userId });
    const depts = await management(direct, fixture, 'GET', '/api/v3/get-user-departments', { userId });
    if (user.body?.data?.status !== 'Resigned' || (depts.body?.data?.list ?? depts.body?.data)?.length !== 0) resignedWrong++;
    for (const token of [victim.tokens.access, victim.tokens.refresh]) {
      const answer = await introspect(direct, fixture, token);
      if (answer.body?.active !== false) tokensAlive++;
    }
  });
  const relationsLeft = resigned.length
    ? Number((await sql<{ n: number }>`select count(*)::int as n from department_members where user_id in (${sql.join(resigned.map((v) => seededId(tag, v.n)))})`.execute(db)).rows[0].n)
    : 0;
  const present = new Set(
    (await db.selectFrom('department_members').select(['department_id', 'user_id']).where('department_id', 'in', departmentIds).execute()).map((r) => `${r.department_id}:${r.user_id}`),
  );
  const missingWrites = memberships.filter((w) => !present.has(`${w.departmentId}:${w.userId}`)).length;
  direct.close();

  // Figures.
  const rate = (records: OpRecord[], from: number, to: number) => records.filter((r) => r.end >= from && r.end < to).length / ((to - from) / 1000);
  const oneRate = rate(one.records, 0, PHASE * 1000);
  const twoRate = rate(two.records, 0, Math.min(killAt, PHASE * 1000));
  const afterRate = rate(two.records, killAt + 2000, 2 * PHASE * 1000);
  const failed = [...one.records.map((r) => ({ ...r, phase: 1 })), ...two.records.map((r) => ({ ...r, phase: 2 }))].filter((r) => !r.ok);
  const inFlightAtKill = failed.filter((r) => r.phase === 2 && r.start <= killAt && r.end >= killAt);
  const otherFailures = failed.filter((r) => !(r.phase === 2 && r.start <= killAt && r.end >= killAt));
  const kinds = [...new Set([...one.records, ...two.records].map((r) => r.kind))].sort();
  const perKind = kinds.map((kind) => {
    const count = (records: OpRecord[]) => records.filter((r) => r.kind === kind).length;
    const p99 = (records: OpRecord[]) => {
      const times = records.filter((r) => r.kind === kind && r.ok).map((r) => r.end - r.start).sort((x, y) => x - y);
      return times.length ? times[Math.floor(times.length * 0.99)] : NaN;
    };
    return `| ${kind} | ${count(one.records)} | ${p99(one.records).toFixed(0)} | ${count(two.records)} | ${p99(two.records).toFixed(0)} | ${failed.filter((r) => r.kind === kind).length} |`;
  });
  const mem = (node: Node) => node.rss.length ? `${Math.max(...node.rss).toFixed(0)} MiB peak, ${(node.rss.reduce((x, y) => x + y, 0) / node.rss.length).toFixed(0)} MiB mean` : '-';
  const verdict = (good: boolean) => (good ? 'yes' : '**NO**');
  const lines = [
    '<!-- cluster:start -->',
    '## Cluster: two nodes behind nginx, one killed',
    '',
    `Measured by \`npm run bench:cluster\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ` +
      `PostgreSQL and Redis on 127.0.0.1, nginx (\`deploy/nginx.conf\`) in front, ${CONCURRENCY} concurrent clients. ` +
      'Both nodes, PostgreSQL, Redis, nginx and the load generator share the cores of the machine, and the speed of the host varies from run to run: compare the figures within this run, not with other runs.',
    '',
    `- Seeded **${USERS.toLocaleString('en')} users** in **${seedSeconds.toFixed(0)} s** (bulk INSERT … SELECT, one shared argon2id hash; every sign-in still verifies it at full cost).`,
    `- Throughput through nginx: one node **${oneRate.toFixed(0)} req/s**; two nodes **${twoRate.toFixed(0)} req/s** (${(twoRate / oneRate).toFixed(2)}×); the survivor after the kill ${afterRate.toFixed(0)} req/s.`,
    `- Errors: ${inFlightAtKill.length} requests failed that were in flight when node B was killed; **${otherFailures.length}** failed otherwise.`,
    `- Afterwards, on the surviving node: ${resigned.length} acknowledged resignations, all Resigned with no department left: ${verdict(resignedWrong === 0 && relationsLeft === 0)} (${resignedWrong} wrong, ${relationsLeft} relations left); ` +
      `their ${resigned.length * 2} tokens all inactive: ${verdict(tokensAlive === 0)} (${tokensAlive} still active); ${memberships.length} acknowledged membership writes all present: ${verdict(missingWrites === 0)} (${missingWrites} missing).`,
    `- Resident memory under load: node A ${mem(a)}; node B ${mem(b)} (until killed).`,
    '',
    '| operation | phase 1 (one node) count | p99 ms | phase 2 (two nodes, then one) count | p99 ms | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...perKind,
    '',
    ...(otherFailures.length ? ['Failures outside the kill:', '', ...otherFailures.slice(0, 10).map((r) => `- phase ${r.phase} ${r.kind} at ${(r.start / 1000).toFixed(1)} s: ${r.detail}`), ''] : []),
    `Total run ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '<!-- cluster:end -->',
    '',
  ];
  const resultsFile = resolve('bench/RESULTS.md');
  const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n\n';
  const section = lines.join('\n');
  const next = /<!-- cluster:start -->[\s\S]*<!-- cluster:end -->\n?/.test(previous)
    ? previous.replace(/<!-- cluster:start -->[\s\S]*<!-- cluster:end -->\n?/, section)
    : `${previous.trimEnd()}\n\n${section}`;
  writeFileSync(resultsFile, next);
  console.log(`\n${section}`);
  if (otherFailures.length || resignedWrong || relationsLeft || tokensAlive || missingWrites) process.exitCode = 1;
} finally {
  await front?.stop().catch(() => {});
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      const exited = new Promise((r) => node.child.once('exit', r));
      node.child.kill('SIGTERM');
      await exited;
    }
  }
  await handle.current?.close().catch(() => {});
  await adminQuery(`drop database if exists ${dbName} with (force)`).catch((error) => console.error(`could not drop ${dbName}: ${error}`));
  rmSync(dir, { recursive: true, force: true });
}
