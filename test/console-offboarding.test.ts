import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';
import { attachUser, buildDirectory, type Directory } from './helpers/fixtures.js';
import { launchChromium, seriousA11yViolations } from './helpers/browser.js';
import { openConsole } from './helpers/console-browser.js';
import { addAdmin } from '../src/services/administrators.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const t = useTestServer({ SCHEDULE_POLL_MS: '250' });
let browser: Browser;
let dir: Directory;
let admin: { userId: string; email: string };
let app: { appId: string; secret: string };

beforeAll(async () => {
  browser = await launchChromium();
  dir = await buildDirectory(t.management);
  app = await createApp(t);
  admin = await createUser(t, { name: 'Ada Admin' });
  await addAdmin(t.server.deps, undefined, admin.email);
});
afterAll(async () => {
  await browser?.close();
});

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

describe('offboarding in the console', () => {
  it('offboards three people from a CSV of emails: preview, typed confirmation, receipts as CSV and JSON, their tokens dead', async () => {
    const leavers = [];
    for (const name of ['Lea One', 'Lea Two', 'Lea Three']) {
      const user = await createUser(t, { name });
      await attachUser(t.management, dir, user.userId);
      leavers.push(user);
    }
    const client = authClient(t, app);
    const tokens = (await signIn(client, leavers[0].username)).data as { access_token: string; refresh_token: string };
    expect((await client.introspectToken(tokens.access_token)).active).toBe(true);
    const stayer = await createUser(t, { name: 'Stay Here' });
    await attachUser(t.management, dir, stayer.userId);

    const { page, context, errors } = await openConsole(browser, t, admin.email, '/console/offboarding');
    await page.getByRole('heading', { name: 'Who leaves?' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('Upload a CSV').setInputFiles(csvFile('leavers.csv', `email\r\n${leavers.map((l) => l.email).join('\r\n')}\r\n`));
    await expect.poll(() => page.getByLabel('The identifiers are').inputValue()).toBe('email');
    await page.getByRole('button', { name: 'Preview the resignation of 3 people' }).click();

    await page.getByRole('heading', { name: 'Resigning 3 people would remove' }).waitFor();
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(3);
    // Each leaver: 3 departments, 3 roles, 3 groups, 2 posts, 10 grants, 1 public account.
    for (const leaver of leavers) {
      const cells = await rows.filter({ hasText: leaver.email }).locator('td').allInnerTexts();
      expect(cells.slice(3, 9)).toEqual(['3', '3', '3', '2', '10', '1']);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    // Nothing changed yet: the preview is a dry run.
    expect((await client.introspectToken(tokens.access_token)).active).toBe(true);

    const confirm = page.getByLabel('To resign them, type the number of people: 3');
    const resign = page.getByRole('button', { name: 'Resign 3 people now' });
    await confirm.fill('2');
    expect(await resign.isDisabled()).toBe(true);
    await confirm.fill('3');
    await resign.click();

    await page.getByRole('heading', { name: 'Resigned: 3 people' }).waitFor();
    const receipts = page.locator('table tbody tr');
    expect(await receipts.count()).toBe(3);
    expect(await receipts.first().innerText()).toContain('Ada Admin');
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download receipts (CSV)' }).click();
    const csv = readFileSync(await (await csvDownload).path(), 'utf8');
    for (const leaver of leavers) expect(csv).toContain(leaver.userId);
    const jsonDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download receipts (JSON)' }).click();
    const json = JSON.parse(readFileSync(await (await jsonDownload).path(), 'utf8')) as Array<{ userId: string; removed: { departments: unknown[] } }>;
    expect(json.map((r) => r.userId).sort()).toEqual(leavers.map((l) => l.userId).sort());
    expect(json.every((r) => r.removed.departments.length === 3)).toBe(true);

    // The leaver's tokens are dead; the one who stays keeps everything.
    expect(await client.introspectToken(tokens.access_token)).toEqual({ active: false });
    expect(await client.introspectToken(tokens.refresh_token)).toEqual({ active: false });
    const kept = await t.management.getUserGroups({ userId: stayer.userId } as never);
    expect((kept.data as { list: unknown[] }).list).toHaveLength(3);

    // The person's page says so, when and by whom, and offers nothing resignation forbids.
    await page.getByRole('link', { name: 'Lea One' }).click();
    const notice = page.getByRole('note', { name: 'Resigned' });
    await notice.waitFor();
    await expect.poll(() => notice.innerText()).toContain('by Ada Admin');
    expect(await page.getByRole('link', { name: 'Offboard…' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Schedule resignation…' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('names the identifiers that match nobody and resigns no one until they are left out', async () => {
    const person = await createUser(t, { name: 'Pat Partial' });
    const { page, context, errors } = await openConsole(browser, t, admin.email, '/console/offboarding');
    await page.getByLabel('The identifiers are').selectOption('username');
    await page.getByLabel(/^Identifiers, one a line/).fill(`${person.username}\nnobody_by_that_name`);
    await page.getByRole('button', { name: 'Preview the resignation of 2 people' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('nobody_by_that_name');
    expect(await page.getByRole('button', { name: /^Resign/ }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Leave them out and preview again' }).click();
    await page.getByRole('button', { name: 'Preview the resignation of 1 person' }).click();
    await page.getByRole('heading', { name: 'Resigning 1 person would remove' }).waitFor();
    expect((await t.management.getUser({ userId: person.userId } as never)).data.status).toBe('Activated');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('people ticked on the users page with the keyboard are the ones previewed', async () => {
    const picked = [await createUser(t, { name: 'Kim Keyboard' }), await createUser(t, { name: 'Kai Keyboard' })];
    const { page, context, errors } = await openConsole(browser, t, admin.email, '/console/users');
    await page.getByLabel('Search').fill('Keyboard');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    for (const name of ['Kim Keyboard', 'Kai Keyboard']) {
      await page.getByLabel(`Select ${name}`).focus();
      await page.keyboard.press('Space');
    }
    const offboard = page.getByRole('button', { name: 'Offboard selected (2)' });
    await offboard.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Preview the resignation of 2 people' }).click();
    await page.getByRole('heading', { name: 'Resigning 2 people would remove' }).waitFor();
    const previewed = await page.locator('table tbody tr td:nth-child(2)').allInnerTexts();
    expect(previewed.sort()).toEqual(picked.map((p) => p.userId).sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a scheduled resignation fires at its time, and one cancelled before then does not', async () => {
    const leaver = await createUser(t, { name: 'Sam Scheduled' });
    const reprieved = await createUser(t, { name: 'Rey Reprieved' });
    const client = authClient(t, app);
    const tokens = (await signIn(client, leaver.username)).data as { access_token: string };
    const { page, context, errors } = await openConsole(browser, t, admin.email, `/console/scheduled?ids=${leaver.userId},${reprieved.userId}`);
    await page.getByRole('heading', { name: 'Scheduled resignations', level: 1 }).waitFor();
    // Local time in the browser's zone, a few seconds ahead (datetime-local takes seconds with step=1).
    const at = await page.evaluate(() => {
      const d = new Date(Date.now() + 8000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    });
    await page.getByLabel('Resign at (your local time)').fill(at);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByText('Scheduled 2 resignations').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Cancel ${reprieved.userId}` }).click();
    await page.getByText(`Cancelled the resignation of ${reprieved.userId}`).waitFor();

    await expect.poll(async () => (await t.management.getUser({ userId: leaver.userId } as never)).data.status, { timeout: 30_000 }).toBe('Resigned');
    expect(await client.introspectToken(tokens.access_token)).toEqual({ active: false });
    expect((await t.management.getUser({ userId: reprieved.userId } as never)).data.status).toBe('Activated');

    await page.getByLabel('Show').selectOption('done');
    await page.getByRole('button', { name: `Receipt (CSV) of ${leaver.userId}` }).waitFor();
    await page.goto(`${t.url}/console/users/${leaver.userId}`);
    const notice = page.getByRole('note', { name: 'Resigned' });
    await notice.waitFor();
    await expect.poll(() => notice.innerText()).toContain('by Ada Admin (scheduled)');
    expect(errors).toEqual([]);
    await context.close();
  });
});
