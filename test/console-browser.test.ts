import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { createUser } from './helpers/apps.js';
import { attachUser, buildDirectory, type Directory } from './helpers/fixtures.js';
import { launchChromium, seriousA11yViolations } from './helpers/browser.js';
import { consoleAccessToken, openConsole } from './helpers/console-browser.js';
import { bearerCall } from './helpers/console.js';
import { addAdmin } from '../src/services/administrators.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const t = useTestServer();
let browser: Browser;
let dir: Directory;
let admin: { userId: string; email: string; username: string };

beforeAll(async () => {
  browser = await launchChromium();
  dir = await buildDirectory(t.management);
  admin = await createUser(t, { name: 'Ada Admin' });
  await addAdmin(t.server.deps, undefined, admin.email);
});
afterAll(async () => {
  await browser?.close();
});

describe('the console, signed in', () => {
  it('an administrator signs in through the hosted page, finds a person, sees every relation; no errors and no serious accessibility violations on the way', async () => {
    const person = await createUser(t, { name: 'Grace Findme' });
    await attachUser(t.management, dir, person.userId);
    const { page, context, errors } = await openConsole(browser, t, admin.email, '/console/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await page.getByText('Signed in as').innerText()).toContain('Ada Admin');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel('Search').fill('Findme');
    const link = page.getByRole('link', { name: 'Grace Findme' });
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await link.waitFor();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Grace Findme', level: 1 }).waitFor();
    const section = (name: string) => page.getByRole('region', { name: new RegExp(`^${name}`) });
    await expect.poll(() => section('Departments').locator('li').count()).toBe(3);
    await expect.poll(() => section('Groups').locator('li').count()).toBe(3);
    await expect.poll(() => section('Roles').locator('li').count()).toBe(3);
    await expect.poll(() => section('Posts').locator('li').count()).toBe(2);
    await expect.poll(() => section('Grants').locator('li').count()).toBeGreaterThanOrEqual(10);
    await expect.poll(() => section('Public accounts').locator('li').count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);

    for (const [name, heading] of [['Departments', 'Departments'], ['Roles', 'Roles'], ['Groups', 'Groups'], ['Posts', 'Posts'], ['Applications', 'Applications'], ['Webhooks', 'Webhooks'], ['Audit log', 'Audit log']]) {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await seriousA11yViolations(page), name).toEqual([]);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters users by status and department with list-users, by role and group with their member lists', async () => {
    const member = await createUser(t, { name: 'Filter Member' });
    await attachUser(t.management, dir, member.userId);
    const { page, context, errors } = await openConsole(browser, t, admin.email, '/console/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByLabel('Group').selectOption({ label: `Group ${dir.groupCodes[0].slice(2, -2)} 0` });
    await expect.poll(async () => page.locator('tbody tr').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Filter Member')]));
    expect(await page.getByLabel('Search').isDisabled()).toBe(true);
    await page.getByLabel('Group').selectOption({ label: 'Any group' });
    await page.getByLabel('Role').selectOption({ value: `default\n${dir.roleCodes[1]}` });
    await expect.poll(async () => page.locator('tbody tr').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Filter Member')]));
    await page.getByLabel('Role').selectOption({ label: 'Any role' });
    await page.getByLabel('Department').selectOption({ value: `${dir.organizationCode}\n${dir.departmentIds[2]}` });
    await expect.poll(async () => page.locator('tbody tr').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Filter Member')]));
    expect(await page.getByLabel('Search').isDisabled()).toBe(false);
    await page.getByLabel('Status').selectOption('Resigned');
    await expect.poll(() => page.getByText('No user matches.').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('another pool has its own console at /console?pool=: its administrator signs in there and sees only that pool', async () => {
    const other = await t.newPool();
    const created = await other.management.createUser({ name: 'Pia Pooled', email: `pia-${Date.now()}@example.com`, password: 'Correct-horse-1' } as never);
    expect(created.statusCode).toBe(200);
    const pia = created.data as { userId: string; email: string };
    await other.management.createUser({ name: 'Only Here', email: `only-${Date.now()}@example.com` } as never);
    await addAdmin(t.server.deps, other.poolId, pia.email);
    const { page, context, errors } = await openConsole(browser, t, pia.email, `/console/users?pool=${other.poolId}`);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody').innerText()).toContain('Only Here');
    expect(await page.locator('tbody').innerText()).not.toContain('Ada Admin');
    // The default pool's administrator is nobody there.
    const token = await consoleAccessToken(page);
    expect((await bearerCall(t, token, 'GET', '/api/v3/whoami')).body.data).toMatchObject({ poolId: other.poolId, user: { userId: pia.userId } });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses someone who is not an administrator, and shows nothing of the pool', async () => {
    const outsider = await createUser(t, { name: 'Olly Outsider' });
    const { page, context, errors } = await openConsole(browser, t, outsider.email);
    await page.getByRole('heading', { name: 'Not an administrator' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('not an administrator of this user pool');
    expect(await page.getByRole('navigation', { name: 'Console' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    // The server refuses the token on every call too, whatever the page shows.
    expect((await bearerCall(t, await consoleAccessToken(page), 'POST', '/api/v3/list-users', {})).status).toBe(403);
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
    await context.close();
  });

  it('signing out ends the session: the token stops working and the console asks to sign in again', async () => {
    const { page, context } = await openConsole(browser, t, admin.email);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const token = await consoleAccessToken(page);
    expect((await bearerCall(t, token, 'GET', '/api/v3/whoami')).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.url}/console**`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await bearerCall(t, token, 'GET', '/api/v3/whoami')).status).toBe(401);
    await context.close();
  });
});
