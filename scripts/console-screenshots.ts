// `npm run docs:screenshots`: the README's pictures of the console (docs/console-*.png), taken from
// a real server over a throwaway SQLite database with a small made-up company, in chromium.
import { writeFileSync } from 'node:fs';
import { startTestServer } from '../test/helpers/server.js';
import { createUser } from '../test/helpers/apps.js';
import { attachUser, ok, type Directory } from '../test/helpers/fixtures.js';
import type { ManagementClient } from 'authing-node-sdk';
import { launchChromium } from '../test/helpers/browser.js';
import { openConsole } from '../test/helpers/console-browser.js';
import { addAdmin } from '../src/services/administrators.js';

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'Ken Thompson', 'Radia Perlman', 'John Backus'];

/** A small company with readable names, built through the API like any fixture. */
async function company(m: ManagementClient): Promise<Directory> {
  const org = ok<{ departmentId: string; organizationCode: string }>(await m.createOrganization({ organizationCode: 'acme', organizationName: 'Acme' } as never), 'create-organization');
  const departmentIds: string[] = [];
  for (const [code, name] of [['eng', 'Engineering'], ['ops', 'Operations'], ['sales', 'Sales']]) {
    departmentIds.push(ok<{ departmentId: string }>(await m.createDepartment({ organizationCode: 'acme', parentDepartmentId: org.departmentId, name, code } as never), 'create-department').departmentId);
  }
  const roleCodes = ['developer', 'on-call', 'approver'];
  for (const [i, code] of roleCodes.entries()) ok(await m.createRole({ code, name: ['Developer', 'On call', 'Approver'][i], description: '' } as never), 'create-role');
  const groupCodes = ['all-hands', 'platform', 'hiring'];
  for (const [i, code] of groupCodes.entries()) ok(await m.createGroup({ code, name: ['All hands', 'Platform guild', 'Hiring panel'][i], description: '' } as never), 'create-group');
  const postIds: string[] = [];
  for (const [code, name] of [['staff-eng', 'Staff engineer'], ['mentor', 'Mentor']]) postIds.push(ok<{ id: string }>(await m.createPost({ code, name } as never), 'create-post').id);
  const resourceCodes = ['payroll', 'source-code', 'customer-data'];
  for (const code of resourceCodes) ok(await m.createResource({ code, type: 'DATA', actions: [{ name: 'read', description: '' }] } as never), 'create-resource');
  const account = ok<{ userId: string }>(await m.createPublicAccount({ username: 'support-desk', name: 'Support desk' } as never), 'create-public-account');
  const app = ok<{ appId: string }>(await m.createApplication({ appName: 'Wiki', appIdentifier: 'wiki', redirectUris: ['https://wiki.example.com/callback'] } as never), 'create-application');
  ok(await m.updateApplicationPermissionStrategy({ appId: app.appId, permissionStrategy: 'DENY_ALL' } as never), 'update-application-permission-strategy');
  return { organizationCode: 'acme', departmentIds, roleCodes, groupCodes, postIds, resourceCodes, publicAccountId: account.userId, appId: app.appId };
}

const t = await startTestServer({ SCHEDULE_POLL_MS: '0' });
const browser = await launchChromium();
try {
  const dir = await company(t.management);
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
