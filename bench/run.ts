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
import { resultsMarkdown } from './results-file.js';

/**
 * `npm run bench`: every scenario on SQLite and, where it answers, PostgreSQL; each HTTP figure
 * beside its baseline measured in the same run; the rows go to the main table of
 * bench/RESULTS.md (BENCH_RESULTS names another file). BENCH_SECONDS (default 10) and
 * BENCH_LARGE_POOL (default 1000000) bound the run.
 *
 * A full run writes the header and the main table anew and keeps every section from the first
 * `## ` heading below the table on (the hand-written sections and the cluster block); the notes
 * between the old header and that heading described the previous run and are dropped.
 * BENCH_ONLY=get-user,signin runs a subset and merges: its rows replace those of the same
 * database and scenario name (new rows are added), a block above the table records which
 * scenarios were re-measured when, and every other row and section is kept.
 * See results-file.ts.
 */

const all: Record<string, Scenario> = {
  ...directoryScenarios, signin: signInScenarios[0], refresh: signInScenarios[1], 'token-check': tokenScenarios[0], 'code-flow': signInScenarios[2],
  scim: scimProvisioning,
  ...webhookScenarios,
};
const listed = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const only = listed?.length ? listed : undefined;
const unknown = only?.filter((key) => !(key in all)) ?? [];
if (unknown.length) throw new Error(`BENCH_ONLY names no scenario ${unknown.join(', ')}; the scenarios are ${Object.keys(all).join(', ')}`);
const scenarios = Object.entries(all).filter(([key]) => !only || only.includes(key)).map(([, scenario]) => scenario);

const workDir = resolve('bench/.work');
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

// BENCH_DB=sqlite skips PostgreSQL; BENCH_DB=postgres skips SQLite.
const kinds: Array<'sqlite' | 'postgres'> = process.env.BENCH_DB === 'postgres' ? [] : ['sqlite'];
if (process.env.BENCH_DB === 'sqlite') console.log('BENCH_DB=sqlite: SQLite only');
else if (await postgresAnswers()) kinds.push('postgres');
else if (kinds.length) console.log('PostgreSQL does not answer: SQLite only');
else throw new Error('BENCH_DB=postgres: PostgreSQL does not answer');
if (process.env.BENCH_DB === 'postgres') console.log('BENCH_DB=postgres: PostgreSQL only');

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

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const resultsFile = resolve(process.env.BENCH_RESULTS ?? 'bench/RESULTS.md');
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : undefined;
const cells = rows.map((r) => [
  r.db, r.name, r.http.rps.toFixed(1), r.http.p50.toFixed(1), r.http.p99.toFixed(1),
  r.baseline ? r.baseline.rps.toFixed(1) : '-', r.baseline ? r.baseline.p99.toFixed(1) : '-',
  r.ratio ?? '-', r.target, r.verdict,
]);
writeFileSync(resultsFile, resultsMarkdown(previous, cells, { at: new Date(), machine, load: os.loadavg()[0], only }));
console.log(`\nwrote ${resultsFile}`);
