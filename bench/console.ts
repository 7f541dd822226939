// `npm run bench:console`: what the admin console costs a browser.
// 1. First load: the scripts and styles index.html pulls in, as the server sends them (gzip and brotli).
// 2. The time from opening /console/users until a page of 20 users shows, over a pool of
//    CONSOLE_USERS (100000) users, beside the list-users call alone (the same request the page
//    makes, with the same administrator token) measured in the same run; then the next page, a
//    search and a status filter. SQLite and, when it answers, PostgreSQL. Bounded: CONSOLE_ROUNDS (10).
import { readFileSync, statSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManagementClient } from 'authing-node-sdk';
import { ensureBuilt } from '../scripts/build.mjs';
import { openTarget, postgresAnswers } from './context.js';
import { seedUsers } from './seed.js';
import { bulkSeedUsers } from './cluster/seed.js';
import { findPoolByName } from '../src/store/pools.js';
import { addAdmin } from '../src/services/administrators.js';
import { launchChromium } from '../test/helpers/browser.js';
import { consoleAccessToken, openConsole } from '../test/helpers/console-browser.js';
import type { TestServer } from '../test/helpers/server.js';

const USERS = Number(process.env.CONSOLE_USERS ?? 100_000);
const ROUNDS = Number(process.env.CONSOLE_ROUNDS ?? 10);

ensureBuilt();
const dist = resolve('dist/console');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const assets = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const size = (path: string) => statSync(join(dist, path)).size;
const load = {
  raw: assets.reduce((n, a) => n + size(a), 0),
  gzip: assets.reduce((n, a) => n + size(`${a}.gz`), 0),
  brotli: assets.reduce((n, a) => n + size(`${a}.br`), 0),
  html: size('index.html'),
};
console.log(`first load: ${assets.join(', ')}: ${load.raw} bytes, gzip ${load.gzip}, brotli ${load.brotli}; index.html ${load.html}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)];

const workDir = resolve('bench/.work-console');
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const kinds: Array<'sqlite' | 'postgres'> = ['sqlite'];
if (await postgresAnswers()) kinds.push('postgres');
const browser = await launchChromium();
const rows: string[] = [];
try {
  for (const kind of kinds) {
    const target = await openTarget(kind, workDir);
    try {
      const pool = (await findPoolByName(target.handle.db, 'default'))!;
      const started = performance.now();
      if (kind === 'postgres') await bulkSeedUsers(target.handle.db, pool.id, `con${Date.now() % 100000}`, USERS, 'x', () => {});
      else await seedUsers(target.handle.db, pool.id, USERS);
      console.log(`[${target.label}] seeded ${USERS} users in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      const m = new ManagementClient({ accessKeyId: target.server.keyId, accessKeySecret: target.server.secret, host: target.server.url, timeout: 60_000 });
      const adminEmail = `console-admin-${Date.now()}@bench.example`;
      await m.createUser({ email: adminEmail, name: 'Bench Admin', password: 'Correct-horse-1' } as never);
      await addAdmin(target.deps, undefined, adminEmail);

      const { page, context } = await openConsole(browser, { url: target.server.url } as TestServer, adminEmail, '/console/users');
      const token = await consoleAccessToken(page);
      const shown = () => page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 20 && !document.querySelector('[aria-busy="true"]'));
      await shown();

      const api: number[] = [];
      const open: number[] = [];
      const next: number[] = [];
      const search: number[] = [];
      const status: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // The API call alone, as the page makes it.
        let t0 = performance.now();
        const answer = await fetch(`${target.server.url}/api/v3/list-users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ advancedFilter: [], options: { pagination: { page: 1, limit: 20 }, sort: [{ field: 'createdAt', order: 'desc' }] } }),
        }).then((r) => r.json() as Promise<{ data: { totalCount: number } }>);
        api.push(performance.now() - t0);
        if (answer.data.totalCount < USERS) throw new Error(`list-users counted ${answer.data.totalCount}`);

        // Opening the page (assets cached, as on any later visit) until 20 rows show.
        t0 = performance.now();
        await page.goto(`${target.server.url}/console/users`);
        await shown();
        open.push(performance.now() - t0);

        t0 = performance.now();
        await page.getByRole('button', { name: 'Next page' }).click();
        await page.getByText(/^21–40 of/).waitFor();
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 20 && !document.querySelector('[aria-busy="true"]'));
        next.push(performance.now() - t0);

        t0 = performance.now();
        await page.getByLabel('Search').fill(`User ${Math.floor(USERS / 2) + i}`);
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length >= 1 && document.querySelectorAll('tbody tr').length < 20 && !document.querySelector('[aria-busy="true"]'));
        search.push(performance.now() - t0 - 250); // less the page's 250 ms typing pause
        await page.getByLabel('Search').fill('');
        // Let the cleared search settle first (it reloads after the typing pause), or the status
        // timing would include that pause and the reload it starts.
        await page.waitForTimeout(300);
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 20 && !document.querySelector('[aria-busy="true"]'));

        t0 = performance.now();
        await page.getByLabel('Status').selectOption('Activated');
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 20 && !document.querySelector('[aria-busy="true"]'));
        status.push(performance.now() - t0);
      }
      await context.close();
      const fmt = (xs: number[]) => `${median(xs).toFixed(0)} | ${p90(xs).toFixed(0)}`;
      const ratio = (xs: number[]) => `${(median(xs) / median(api)).toFixed(1)}×`;
      rows.push(`| ${target.label} | list-users, page 1 of 20 (the call alone, Node fetch) | ${fmt(api)} | 1.0× |`);
      rows.push(`| ${target.label} | open /console/users until 20 rows show | ${fmt(open)} | ${ratio(open)} |`);
      rows.push(`| ${target.label} | next page | ${fmt(next)} | ${ratio(next)} |`);
      rows.push(`| ${target.label} | search by name (typing pause left out) | ${fmt(search)} | ${ratio(search)} |`);
      rows.push(`| ${target.label} | status filter | ${fmt(status)} | ${ratio(status)} |`);
      console.log(rows.slice(-5).join('\n'));
    } finally {
      await target.close();
    }
  }
} finally {
  await browser.close();
  rmSync(workDir, { recursive: true, force: true });
}

console.log(`\n| first load | bytes |\n| --- | ---: |\n| scripts and styles, as built | ${load.raw} |\n| gzip (what most browsers get) | ${load.gzip} |\n| brotli | ${load.brotli} |\n| index.html | ${load.html} |`);
console.log(`\n| database | over ${USERS.toLocaleString('en')} users, ${ROUNDS} rounds | median ms | p90 ms | ratio to the call |\n| --- | --- | ---: | ---: | ---: |\n${rows.join('\n')}`);
