import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from './server.js';
import { watchErrors } from './browser.js';

export interface ConsoleSession {
  context: BrowserContext;
  page: Page;
  /** Everything the browser reported as an error since the context opened. */
  errors: string[];
}

/** Opens /console in a fresh browser and signs in through the hosted page with the keyboard. */
export async function openConsole(browser: Browser, t: TestServer, account: string, path = '/console/', password = 'Correct-horse-1'): Promise<ConsoleSession> {
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const errors = watchErrors(context);
  const page = await context.newPage();
  await page.goto(`${t.url}${path}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email, phone number or username').fill(account);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  // Back on the console, past the callback (the code is exchanged there).
  await page.waitForURL((url) => url.pathname.startsWith('/console') && !url.pathname.startsWith('/console/callback'));
  return { context, page, errors };
}

/** The access token the console holds in this tab (sessionStorage). */
export async function consoleAccessToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() => sessionStorage.getItem('userpool-console.tokens'));
  return (JSON.parse(raw!) as { accessToken: string }).accessToken;
}
