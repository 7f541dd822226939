// `npm run docs:screenshots`: the README's pictures of the console (docs/console-*.png), taken from
// a real server over a throwaway SQLite database with a small made-up company, in chromium.
import { writeFileSync } from 'node:fs';
import { startTestServer } from '../test/helpers/server.js';
import { createUser } from '../test/helpers/apps.js';
import { attachUser, buildDirectory } from '../test/helpers/fixtures.js';
import { launchChromium } from '../test/helpers/browser.js';
import { openConsole } from '../test/helpers/console-browser.js';
import { addAdmin } from '../src/services/administrators.js';

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'Ken Thompson', 'Radia Perlman', 'John Backus'];

const t = await startTestServer({ SCHEDULE_POLL_MS: '0' });
const browser = await launchChromium();
try {
  const dir = await buildDirectory(t.management);
  const admin = await createUser(t, { name: 'Margaret Hamilton', email: 'margaret@example.com' });
  await addAdmin(t.server.deps, undefined, admin.email);
  const people = [];
  for (const name of PEOPLE) {
    const email = `${name.split(' ')[0].toLowerCase()}@example.com`;
    const user = await createUser(t, { name, email });
    await attachUser(t.management, dir, user.userId);
    people.push({ ...user, email });
  }
  const { page, context } = await openConsole(browser, t, admin.email, '/console/users');
  await page.setViewportSize({ width: 1200, height: 720 });
  const shot = async (name: string) => {
    await page.waitForLoadState('networkidle');
    writeFileSync(`docs/console-${name}.png`, await page.screenshot({ type: 'png' }));
    console.log(`docs/console-${name}.png`);
  };

  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await shot('users');

  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.getByRole('region', { name: /^Grants/ }).locator('li').first().waitFor();
  await shot('user');

  await page.goto(`${t.url}/console/offboarding`);
  await page.getByLabel('Upload a CSV').setInputFiles({ name: 'leavers.csv', mimeType: 'text/csv', buffer: Buffer.from(`email\n${people.slice(1, 4).map((p) => p.email).join('\n')}\n`) });
  await page.getByRole('button', { name: 'Preview the resignation of 3 people' }).click();
  await page.getByRole('heading', { name: 'Resigning 3 people would remove' }).waitFor();
  await page.getByLabel(/type the number of people/).fill('3');
  await shot('preview');

  await page.getByRole('button', { name: 'Resign 3 people now' }).click();
  await page.getByRole('heading', { name: /^Resigned: 3/ }).waitFor();
  await shot('receipts');

  await page.goto(`${t.url}/console/scheduled?ids=${people[5].userId},${people[6].userId}`);
  await page.getByLabel('Resign at (your local time)').fill('2027-01-29T17:00:00');
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await page.getByText('Scheduled 2 resignations').waitFor();
  await shot('scheduled');

  await page.goto(`${t.url}/console/audit`);
  await page.getByText('resign-user-batch').first().waitFor();
  await shot('audit');
  await context.close();
} finally {
  await browser.close();
  await t.close();
}
