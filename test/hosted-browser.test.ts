import { execSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { createApp, createUser } from './helpers/apps.js';
import { startRpApp, type RpApp } from './helpers/rp-app.js';

/** Debian's chromium; `.ci/run` installs it when missing. */
const executablePath = process.env.CHROMIUM_PATH ?? execSync('command -v chromium || command -v chromium-browser', { shell: '/bin/sh' }).toString().trim();

const t = useTestServer();
let browser: Browser;
let rp: RpApp;
let rp2: RpApp;
let app: { appId: string; secret: string };
let app2: { appId: string; secret: string };

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  rp = await startRpApp({ appHost: t.url, appId: () => app.appId, appSecret: () => app.secret });
  rp2 = await startRpApp({ appHost: t.url, appId: () => app2.appId, appSecret: () => app2.secret, scope: 'openid profile' });
  app = await createApp(t, { appName: 'Payroll', redirectUris: [`${rp.url}/callback`], logoutRedirectUris: [`${rp.url}/bye`] });
  app2 = await createApp(t, { appName: 'Wiki', redirectUris: [`${rp2.url}/callback`], logoutRedirectUris: [`${rp2.url}/bye`] });
});
afterAll(async () => {
  await browser?.close();
  await rp?.close();
  await rp2?.close();
});

describe('hosted sign-in in a real browser (chromium)', () => {
  it('signs in through the SDK app with the keyboard, on a phone-sized screen, and keeps the session HttpOnly and SameSite=Lax', async () => {
    const user = await createUser(t, { name: 'Lin' });
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${rp.url}/login`);
    await page.getByLabel('Password').waitFor();
    expect(await page.title()).toContain('Payroll');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByLabel('Email, phone number or username').fill(user.email);
    await page.getByLabel('Password').fill('Correct-horse-1');
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(`${rp.url}/callback**`);
    expect(JSON.parse(await page.locator('body').innerText())).toEqual({ signedIn: user.userId, name: 'Lin' });
    const session = (await context.cookies(`${t.url}/oidc/auth`)).find((c) => c.name === 'userpool_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/oidc' });
    await context.close();
  });

  it('a second application of the pool signs the person in without the form, after consent; sign-out ends both', async () => {
    const user = await createUser(t);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${rp.url}/login`);
    await page.getByLabel('Email, phone number or username').fill(user.username);
    await page.getByLabel('Password').fill('Correct-horse-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${rp.url}/callback**`);
    const first = rp.last!.tokens;

    await page.goto(`${rp2.url}/login`);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rp2.url}/callback**`);
    expect(JSON.parse(await page.locator('body').innerText()).signedIn).toBe(user.userId);
    const second = rp2.last!.tokens;
    expect(rp2.last!.idToken.sid).toBe(rp.last!.idToken.sid);

    await page.goto(`${rp.url}/logout`);
    await page.waitForURL(`${rp.url}/bye**`);
    expect((await rp.client.introspectToken(first.access_token)).active).toBe(false);
    expect((await rp2.client.introspectToken(second.access_token)).active).toBe(false);
    // The form again: the session is gone.
    await page.goto(`${rp2.url}/login`);
    await page.getByLabel('Password').waitFor();
    await context.close();
  });

  it('shows a wrong password the form again, and a resigned person a refusal; the right password of an active person gets in', async () => {
    const user = await createUser(t);
    const leaver = await createUser(t);
    expect((await t.management.resignUser({ userId: leaver.userId } as never)).statusCode).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    const attempt = async (account: string, password: string) => {
      await page.goto(`${rp.url}/login?forced=1`);
      await page.getByLabel('Email, phone number or username').fill(account);
      await page.getByLabel('Password').fill(password);
      await page.getByLabel('Password').press('Enter');
    };
    await attempt(user.email, 'Not-the-password-1');
    expect(await page.getByRole('alert').innerText()).toBe('The account or password is wrong.');
    expect(await page.getByLabel('Email, phone number or username').inputValue()).toBe(user.email);
    await attempt(leaver.email, 'Correct-horse-1');
    expect(await page.getByRole('alert').innerText()).toBe('This account has been closed and can no longer sign in.');
    await attempt(user.email, 'Correct-horse-1');
    await page.waitForURL(`${rp.url}/callback**`);
    await context.close();
  });

  it('speaks Chinese to a Chinese browser', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${rp.url}/login`);
    await page.getByLabel('密码').waitFor();
    expect(await page.getByRole('button', { name: '登录' }).count()).toBe(1);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await context.close();
  });

  it('cannot be framed by another site, while the same page opens at the top level', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const authorize = `${t.url}/oidc/auth?client_id=${app.appId}&redirect_uri=${encodeURIComponent(`${rp.url}/callback`)}&response_type=code&scope=openid`;
    await page.goto(`${rp.url}/bye`);
    await page.setContent(`<iframe id="f" src="${authorize}"></iframe>`);
    await page.waitForTimeout(1000);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const framedHasForm = frame ? await frame.locator('input[type=password]').count().catch(() => 0) : 0;
    expect(framedHasForm).toBe(0);
    await page.goto(authorize);
    await page.locator('input[type=password]').waitFor();
    await context.close();
  });
});
