// `npm test`: type-checks, runs the suite on SQLite, then again on PostgreSQL when one answers
// (each test file makes its own throwaway database there and drops it). Set TEST_PG=required to
// fail instead of skipping when PostgreSQL is down, as .ci/run does.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const adminUrl = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const extra = process.argv.slice(2);

function run(label, command, args, env = {}) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const results = [];
results.push(['typecheck', run('typecheck (tsc --noEmit)', 'npx', ['tsc', '--noEmit', '-p', '.']) && run('typecheck of the console (tsc --noEmit -p console)', 'npx', ['tsc', '--noEmit', '-p', 'console'])]);
results.push(['sqlite', run('suite on SQLite', 'npx', ['vitest', 'run', ...extra], { TEST_DB: 'sqlite' })]);
if (await postgresAnswers()) {
  results.push(['postgres', run(`suite on PostgreSQL (${new URL(adminUrl).host})`, 'npx', ['vitest', 'run', ...extra], { TEST_DB: 'postgres', TEST_PG_URL: adminUrl })]);
} else if (process.env.TEST_PG === 'required') {
  console.error(`\nPostgreSQL does not answer at ${new URL(adminUrl).host}; it is required here (TEST_PG=required).`);
  results.push(['postgres', false]);
} else {
  console.log(`\n== PostgreSQL does not answer at ${new URL(adminUrl).host}: skipped the PostgreSQL run`);
}

const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed (${results.map(([n, ok]) => `${n}: ${ok ? 'ok' : 'FAILED'}`).join(', ')})`);
process.exit(failed.length ? 1 : 0);
