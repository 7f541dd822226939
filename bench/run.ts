import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import os from 'node:os';
import { openTarget, postgresAnswers, type BenchTarget } from './context.js';
import type { Figures } from './measure.js';
import { scenarios as directoryScenarios, type Row, type Scenario } from './scenarios.js';
import { signInScenarios } from './signin-scenarios.js';
import { tokenScenarios } from './token-scenarios.js';
import { scimProvisioning } from './scim-scenarios.js';
import { webhookScenarios } from './webhook-scenarios.js';

const all: Record<string, Scenario> = {
  ...directoryScenarios, signin: signInScenarios[0], refresh: signInScenarios[1], 'token-check': tokenScenarios[0], 'code-flow': signInScenarios[2],
  scim: scimProvisioning,
  ...webhookScenarios,
};
/** BENCH_ONLY=get-user,signin runs a subset; the default is every scenario. */
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const scenarios = Object.entries(all).filter(([key]) => !only || only.includes(key)).map(([, scenario]) => scenario);

/**
 * `npm run bench`: every scenario on SQLite and, where it answers, PostgreSQL; each HTTP figure
 * beside its baseline measured in the same run; the table goes to bench/RESULTS.md.
 * BENCH_SECONDS (default 10) and BENCH_LARGE_POOL (default 500000) bound the run.
 */
const workDir = resolve('bench/.work');
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

const kinds: Array<'sqlite' | 'postgres'> = ['sqlite'];
// BENCH_DB=sqlite skips PostgreSQL.
if (process.env.BENCH_DB === 'sqlite') console.log('BENCH_DB=sqlite: SQLite only');
else if (await postgresAnswers()) kinds.push('postgres');
else console.log('PostgreSQL does not answer: SQLite only');

const rows: Array<Row & { db: string }> = [];
for (const kind of kinds) {
  const target: BenchTarget = await openTarget(kind, workDir);
  try {
    for (const scenario of scenarios) {
      console.log(`\n[${target.label}] ${scenario.name}`);
      for (const row of await scenario.run(target)) {
        rows.push({ ...row, db: target.label });
        console.log(`  ${row.name}: ${fmt(row.http)} | baseline ${row.baseline ? fmt(row.baseline) : '-'} | ${row.verdict}`);
      }
    }
  } finally {
    await target.close();
  }
}
rmSync(workDir, { recursive: true, force: true });

function fmt(f: Figures): string {
  return `${f.rps.toFixed(1)} req/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms (${f.count} requests, ${f.errors} errors)`;
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '# Benchmark results',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, Node ${process.version}.`,
  'The server runs in its own process; the load generator (autocannon) and the baseline run in the bench process.',
  'The baseline is the same service call (the same database statements) in a loop without HTTP, with as many concurrent callers as the HTTP run has connections, measured in the same run.',
  '',
  '| database | scenario | HTTP req/s | HTTP p50 ms | HTTP p99 ms | baseline ops/s | baseline p99 ms | ratio | target | verdict |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ...rows.map((r) =>
    [
      r.db, r.name, r.http.rps.toFixed(1), r.http.p50.toFixed(1), r.http.p99.toFixed(1),
      r.baseline ? r.baseline.rps.toFixed(1) : '-', r.baseline ? r.baseline.p99.toFixed(1) : '-',
      r.ratio ?? '-', r.target, r.verdict,
    ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'),
  ),
  '',
];
const notes = existsSync(resolve('bench/notes.md')) ? readFileSync(resolve('bench/notes.md'), 'utf8') : '';
const resultsFile = resolve(process.env.BENCH_RESULTS ?? 'bench/RESULTS.md');
// The cluster section is written by `npm run bench:cluster`; keep it.
const cluster = existsSync(resultsFile) ? /<!-- cluster:start -->[\s\S]*<!-- cluster:end -->\n?/.exec(readFileSync(resultsFile, 'utf8'))?.[0] ?? '' : '';
writeFileSync(resultsFile, `${lines.join('\n')}\n${notes}${cluster ? `\n${cluster}` : ''}`);
console.log('\nwrote bench/RESULTS.md');
